/** What the public queries and the prune mutation return. */
import { v, type Infer } from "convex/values";
import { vActor, vDevice, vSessionStatus } from "./sessionValidators.js";

/** `whoami()`: the identity Convex sees, and what the store says of its session. */
export const vWhoami = v.union(
  v.object({ authenticated: v.literal(false) }),
  v.object({
    authenticated: v.literal(true),
    userId: v.string(),
    sessionId: v.union(v.string(), v.null()),
    tokenIdentifier: v.string(),
    issuer: v.string(),
    session: v.object({
      status: vSessionStatus,
      updatedAt: v.union(v.number(), v.null()),
    }),
  }),
);
export type Whoami = Infer<typeof vWhoami>;

/**
 * `sessionStatus({ sessionId })`: public fields for anyone; `userId`,
 * `clientId` and `device` only for the session's own user.
 */
export const vSessionStatusResult = v.object({
  sessionId: v.string(),
  status: vSessionStatus,
  updatedAt: v.union(v.number(), v.null()),
  endedAt: v.union(v.number(), v.null()),
  /** When Clerk will expire the session if nothing extends it; null when unknown. */
  expireAt: v.union(v.number(), v.null()),
  /**
   * True when `status` was read from time (a passed `expireAt` or
   * `abandonAt`), not reported by Clerk: `compareSessions` does not count it
   * as ended while Clerk's client holds the session.
   */
  derivedFromTime: v.boolean(),
  userId: v.optional(v.string()),
  clientId: v.optional(v.union(v.string(), v.null())),
  device: v.optional(v.union(vDevice, v.null())),
  actor: v.optional(v.union(vActor, v.null())),
});
export type SessionStatusResult = Infer<typeof vSessionStatusResult>;

/** What one pruning batch deleted, and whether another batch was scheduled. */
export const vPruneResult = v.object({
  sessions: v.number(),
  deletedUsers: v.number(),
  memberships: v.number(),
  organizationDeletions: v.number(),
  continues: v.boolean(),
});
export type PruneResult = Infer<typeof vPruneResult>;
