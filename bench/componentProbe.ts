/**
 * Bench-only modules registered inside the clerkSessions component:
 * - `emptyApply`: exactly `events.apply`'s argument and return validators
 *   and no work. Timed against an empty app mutation with the reference's
 *   `v.any()` argument, called the same way, it shows what convex-test
 *   charges per call for a component function's validators (a deployment
 *   reads them once, when the code is pushed).
 * - `unvalidatedApply`: `events.apply`'s work with no validators at all.
 *   The bench delivers to it through the package's own route, on an app
 *   whose component schema is not validated either, to show how much of the
 *   gap to the reference is convex-test checking values against validators.
 *   Never shipped: every function of the package has its validators.
 */
import { v } from "convex/values";
import {
  vApplyResult,
  vSessionEvent,
  type SessionEvent,
} from "../src/shared/eventValidators.js";
import { mutation } from "../src/component/_generated/server.js";
import { applyEvent } from "../src/component/events.js";

export const emptyApply = mutation({
  args: { event: vSessionEvent, onEvent: v.optional(v.string()) },
  returns: v.object({ result: vApplyResult }),
  handler: async () => ({ result: "applied" as const }),
});

export const unvalidatedApply = mutation({
  args: v.any(),
  handler: async (ctx, args: { event: SessionEvent; onEvent?: string }) => ({
    result: await applyEvent(ctx, args),
  }),
});
