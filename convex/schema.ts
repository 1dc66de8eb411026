import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import {
  vMembershipChangeCause,
  vMembershipChangeType,
  vStoredMembership,
  vStoredSession,
  vSessionChangeType,
} from "../src/client/core/index.js";

// Sessions themselves live in the component; these tables are the app's own.
export default defineSchema({
  /** Written by `sessionEvents.record` (the `onEvent` callback); read by tests. */
  sessionEvents: defineTable({
    type: vSessionChangeType,
    sessionId: v.string(),
    before: v.union(vStoredSession, v.null()),
    after: vStoredSession,
  }).index("by_session_id", ["sessionId"]),

  /** Written by `sessionEvents.record` for membership changes; read by tests. */
  membershipEvents: defineTable({
    type: vMembershipChangeType,
    cause: vMembershipChangeCause,
    membershipId: v.string(),
    before: v.union(vStoredMembership, v.null()),
    after: vStoredMembership,
  }).index("by_membership_id", ["membershipId"]),

  /** Written by `notes.add`, read by `notes.mine`: app data behind the verifier. */
  notes: defineTable({
    userId: v.string(),
    text: v.string(),
  }).index("by_user_id", ["userId"]),
});
