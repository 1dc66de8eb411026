import {
  defineSessionEventHandler,
  type SessionChange,
} from "../src/client/core/index.js";
import { internalMutation, type MutationCtx } from "./_generated/server.js";

/** Keeps the change: its cause, and the session before and after. */
async function keep(ctx: MutationCtx, { type, before, after }: SessionChange) {
  await ctx.db.insert("sessionEvents", {
    type,
    sessionId: after.sessionId,
    before,
    after,
  });
}

/**
 * Called by the component, in the same transaction, for every change it
 * makes. One handler per kind of change, each given the change narrowed to
 * its kind; a kind left out is ignored. This app keeps them all.
 */
export const record = defineSessionEventHandler(internalMutation, {
  "session.created": keep,
  "session.pending": keep,
  "session.ended": keep,
  "session.removed": keep,
  "session.revoked": keep,
  "user.deleted": keep,
  "clerk.sync": keep,
});
