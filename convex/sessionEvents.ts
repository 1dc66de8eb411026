import {
  defineSessionEventHandler,
  type MembershipChange,
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

/** Keeps a membership change: its kind, cause, and the membership before and after. */
async function keepMembership(ctx: MutationCtx, change: MembershipChange) {
  const { type, cause, before, after } = change;
  await ctx.db.insert("membershipEvents", {
    type,
    cause,
    membershipId: after.membershipId,
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
  "membership.created": keepMembership,
  "membership.role_changed": keepMembership,
  "membership.removed": keepMembership,
});
