import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import { vClerkSessionStatus, vSessionFacts } from "../shared/validators.js";

export const vUserDeletion = v.union(
  v.null(),
  v.object({ at: v.union(v.number(), v.null()) }),
);

export default defineSchema({
  /**
   * One document per Clerk session ever reported.
   * Written by `events.apply` and `users.markSessionsOfDeletedUser`; read by
   * `sessions.get`.
   */
  sessions: defineTable({
    ...vSessionFacts.omit("status").fields,
    /** What the store shows: derived from `reportedStatus` and `userDeletion`. */
    status: vClerkSessionStatus,
    /** The status of the winning Clerk event (see shared/sessionState.ts). */
    reportedStatus: vClerkSessionStatus,
    endedAt: v.union(v.number(), v.null()),
    userDeletion: vUserDeletion,
  })
    .index("by_session_id", ["sessionId"])
    .index("by_user_id", ["userId"]),

  /**
   * Users Clerk deleted, so that a session event arriving after `user.deleted`
   * is stored as removed. Written by `events.apply`; read by `events.apply`
   * and `users.markSessionsOfDeletedUser`.
   */
  deletedUsers: defineTable({
    userId: v.string(),
    deletion: v.object({ at: v.union(v.number(), v.null()) }),
  }).index("by_user_id", ["userId"]),

  /**
   * Svix message ids already applied, so a redelivery changes nothing.
   * Written and read by `events.apply`.
   */
  appliedMessages: defineTable({
    svixId: v.string(),
    appliedAt: v.number(),
  }).index("by_svix_id", ["svixId"]),
});
