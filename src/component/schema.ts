import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import {
  vClerkSessionStatus,
  vSessionFacts,
} from "../shared/sessionValidators.js";
import { vSyncWalk } from "../shared/syncValidators.js";
import {
  vMembershipStatus,
  vStoredMembership,
} from "../shared/membershipValidators.js";

export const vUserDeletion = v.union(
  v.null(),
  v.object({ at: v.union(v.number(), v.null()) }),
);

export const vOrganizationDeletion = v.object({
  at: v.union(v.number(), v.null()),
});

export default defineSchema({
  /**
   * One document per Clerk session ever reported.
   * Written by `events.apply`, `sync.applySessions` and
   * `users.markSessionsOfDeletedUser`; read by `sessions.get`,
   * `sessions.forToken` and `sessions.listByUser`; deleted by
   * `retention.prune`.
   */
  sessions: defineTable({
    ...vSessionFacts.omit("status").fields,
    /** What the store shows: derived from `reportedStatus` and `userDeletion`. */
    status: vClerkSessionStatus,
    /** The status of the winning Clerk event (see sessionState.ts). */
    reportedStatus: vClerkSessionStatus,
    endedAt: v.union(v.number(), v.null()),
    userDeletion: vUserDeletion,
    /** `updated_at` of the event that carried `device` (absent on old documents). */
    deviceAt: v.optional(v.union(v.number(), v.null())),
    /** `updated_at` of the event that carried `actor` (absent on old documents); usually null. */
    actorAt: v.optional(v.union(v.null(), v.number())),
    /**
     * When retention starts counting (`retentionStart` in sessionState.ts);
     * null while a live session has no known end. Absent on documents
     * written before it existed, until `retention.prune` sets it.
     */
    retentionStart: v.optional(v.union(v.null(), v.number())),
  })
    .index("by_session_id", ["sessionId"])
    // A user's sessions by Clerk's creation time: `sessions.listByUser`, and
    // the pages of `user.deleted`. No index of its own for `userId` alone:
    // each index is one more write for every session written.
    .index("by_user_id_and_created_at", ["userId", "createdAt"])
    .index("by_retention_start", ["retentionStart"]),

  /**
   * Users Clerk deleted, so that a session event arriving after `user.deleted`
   * is stored as removed. Written by `events.apply`; read by `events.apply`
   * and `users.markSessionsOfDeletedUser`; deleted by `retention.prune`.
   */
  deletedUsers: defineTable({
    userId: v.string(),
    deletion: v.object({ at: v.union(v.number(), v.null()) }),
  }).index("by_user_id", ["userId"]),

  /**
   * One document per Clerk organization membership ever reported (a member
   * removed and invited again is a new membership). Written by
   * `memberships.apply` and `organizations.markMembershipsOfDeletedOrganization`;
   * read by `memberships.get` and `memberships.forToken`; deleted by
   * `retention.prune`.
   */
  memberships: defineTable({
    ...vStoredMembership.fields,
    /** What the winning Clerk event said (see membershipState.ts); `status` is derived. */
    reportedStatus: vMembershipStatus,
    reportedDeletedAt: v.union(v.number(), v.null()),
    /** Set while the organization's deletion is what ends the membership. */
    organizationDeletion: v.union(v.null(), vOrganizationDeletion),
    /** When retention starts counting; null while active. */
    retentionStart: v.union(v.null(), v.number()),
  })
    .index("by_membership_id", ["membershipId"])
    // The verifier's one lookup (a user's newest membership in an
    // organization), and the pages of `organization.deleted`.
    .index("by_organization_id_and_user_id_and_created_at", [
      "organizationId",
      "userId",
      "createdAt",
    ])
    .index("by_retention_start", ["retentionStart"]),

  /**
   * Organizations Clerk deleted, so that a membership event arriving after
   * `organization.deleted` is stored as deleted. Written by
   * `memberships.apply`; read by `memberships.apply`, `memberships.forToken`
   * (only for a membership it has no document of) and
   * `organizations.markMembershipsOfDeletedOrganization`; deleted by
   * `retention.prune`.
   */
  organizationDeletions: defineTable({
    organizationId: v.string(),
    deletion: vOrganizationDeletion,
  }).index("by_organization_id", ["organizationId"]),

  /**
   * At most one document: sessions and memberships that ended before
   * `prunedBefore` may have been pruned, so an event about an unknown one
   * older than that is a replay and is not stored. Written by
   * `retention.prune`; read by `events.apply` and `memberships.apply`.
   */
  pruneHorizon: defineTable({
    prunedBefore: v.number(),
  }),

  /**
   * When a refresh of a session from Clerk's Backend API was last granted, so
   * the verifier asks Clerk at most once per interval. Written by
   * `refreshes.claim`; read by `refreshes.claim`; deleted by
   * `retention.prune`.
   */
  sessionRefreshes: defineTable({
    sessionId: v.string(),
    requestedAt: v.number(),
  })
    .index("by_session_id", ["sessionId"])
    .index("by_requested_at", ["requestedAt"]),

  /**
   * One document per walk over every Clerk user: cursor, totals, last failure.
   * Written by `sync.startWalk`, `sync.recordPage`, `sync.recordFailure`;
   * read by `sync.walkStep` and `sync.latestWalk`.
   */
  syncWalks: defineTable({
    ...vSyncWalk.omit("walkId").fields,
    /** Ids of the last page read, so a page answered twice is caught. */
    previousPageIds: v.array(v.string()),
  }).index("by_state", ["state"]),
});
