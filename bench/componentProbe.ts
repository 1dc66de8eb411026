/**
 * A bench-only module registered inside the clerkSessions component: a
 * mutation with exactly `events.apply`'s argument and return validators and
 * no work. Timed against an empty app mutation with the reference's `v.any()`
 * argument, called the same way, it shows what convex-test charges per call
 * for a component function's validators (a real deployment reads them once,
 * when the code is pushed).
 */
import { v } from "convex/values";
import { vApplyResult, vSessionEvent } from "../src/shared/eventValidators.js";
import { mutation } from "../src/component/_generated/server.js";

export const emptyApply = mutation({
  args: { event: vSessionEvent, onEvent: v.optional(v.string()) },
  returns: v.object({ result: vApplyResult }),
  handler: async () => ({ result: "applied" as const }),
});
