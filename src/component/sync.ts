/**
 * Sessions read from Clerk's Backend API, applied by the same state rules as
 * webhooks: a sync never brings back a session the store knows has ended.
 */
import { v } from "convex/values";
import { vSessionFacts } from "../shared/sessionValidators.js";
import { mutation } from "./_generated/server.js";
import { applySessionFacts } from "./events.js";

/** Sessions accepted per call, well under Convex's per-transaction limits. */
export const MAX_SYNC_BATCH = 100;

export const applySessions = mutation({
  args: {
    sessions: v.array(vSessionFacts),
    onEvent: v.optional(v.string()),
  },
  returns: v.object({ applied: v.number(), stale: v.number() }),
  handler: async (ctx, { sessions, onEvent }) => {
    if (sessions.length > MAX_SYNC_BATCH) {
      throw new Error(`at most ${MAX_SYNC_BATCH} sessions per call`);
    }
    let applied = 0;
    for (const facts of sessions) {
      if (await applySessionFacts(ctx, facts, "clerk.sync", onEvent))
        applied += 1;
    }
    return { applied, stale: sessions.length - applied };
  },
});
