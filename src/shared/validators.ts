import { v, type Infer, type ObjectType } from "convex/values";

/** Statuses Clerk reports for a session. */
export const CLERK_SESSION_STATUSES = [
  "active",
  "pending",
  "ended",
  "removed",
  "revoked",
  "expired",
  "abandoned",
  "replaced",
] as const;

/** Statuses nothing can move a session out of. */
export const TERMINAL_STATUSES = [
  "ended",
  "removed",
  "revoked",
  "expired",
  "abandoned",
  "replaced",
] as const;

export const vClerkSessionStatus = v.union(
  ...CLERK_SESSION_STATUSES.map((status) => v.literal(status)),
);
export type ClerkSessionStatus = Infer<typeof vClerkSessionStatus>;

/** A Clerk status, or `unknown` for a session no webhook has reported. */
export const vSessionStatus = v.union(
  vClerkSessionStatus,
  v.literal("unknown"),
);
export type SessionStatus = Infer<typeof vSessionStatus>;

export function isTerminalStatus(status: SessionStatus): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

/** What a session's latest activity says about the device, without IP or location. */
export const vDevice = v.object({
  deviceType: v.union(v.string(), v.null()),
  browserName: v.union(v.string(), v.null()),
  browserVersion: v.union(v.string(), v.null()),
  isMobile: v.union(v.boolean(), v.null()),
});
export type Device = Infer<typeof vDevice>;

/** Clerk webhook types that end a session, and the status each one implies. */
export const SESSION_END_TYPES = {
  "session.ended": "ended",
  "session.removed": "removed",
  "session.revoked": "revoked",
} as const;

export const SESSION_EVENT_TYPES = [
  "session.created",
  ...(Object.keys(SESSION_END_TYPES) as (keyof typeof SESSION_END_TYPES)[]),
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

/** Who a session belongs to and Clerk's own timestamps for it (ms). */
const sessionIdentity = {
  sessionId: v.string(),
  userId: v.string(),
  clientId: v.union(v.string(), v.null()),
};
const clerkTimes = {
  createdAt: v.union(v.number(), v.null()),
  updatedAt: v.number(),
  lastActiveAt: v.union(v.number(), v.null()),
  expireAt: v.union(v.number(), v.null()),
};

/** The facts one Clerk session event carries, in the component's own shape. */
export const vSessionFacts = v.object({
  ...sessionIdentity,
  status: vClerkSessionStatus,
  ...clerkTimes,
  abandonAt: v.union(v.number(), v.null()),
  device: v.union(vDevice, v.null()),
});
export type SessionFacts = Infer<typeof vSessionFacts>;

/** A verified webhook, reduced to what the component stores. */
export const vSessionEvent = v.union(
  v.object({
    kind: v.literal("session"),
    type: v.union(...SESSION_EVENT_TYPES.map((type) => v.literal(type))),
    session: vSessionFacts,
  }),
  v.object({
    kind: v.literal("user.deleted"),
    userId: v.string(),
    deletedAt: v.union(v.number(), v.null()),
  }),
);
export type SessionEvent = Infer<typeof vSessionEvent>;

/** What the webhook route answers with a 200. */
export const vApplyResult = v.union(
  v.literal("applied"),
  v.literal("stale"),
  v.literal("duplicate"),
);
export type ApplyResult = Infer<typeof vApplyResult>;

/** A stored session as the component hands it out. */
export const vStoredSession = v.object({
  ...sessionIdentity,
  status: vClerkSessionStatus,
  ...clerkTimes,
  endedAt: v.union(v.number(), v.null()),
  device: v.union(vDevice, v.null()),
});
export type StoredSession = Infer<typeof vStoredSession>;

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
  userId: v.optional(v.string()),
  clientId: v.optional(v.union(v.string(), v.null())),
  device: v.optional(v.union(vDevice, v.null())),
});
export type SessionStatusResult = Infer<typeof vSessionStatusResult>;

/** What one pruning batch deleted, and whether another batch was scheduled. */
export const vPruneResult = v.object({
  sessions: v.number(),
  deletedUsers: v.number(),
  messages: v.number(),
  continues: v.boolean(),
});
export type PruneResult = Infer<typeof vPruneResult>;

/** What caused a change reported to `onEvent`: a webhook type, or a sync with Clerk's API. */
export const vSessionChangeType = v.union(
  ...SESSION_EVENT_TYPES.map((type) => v.literal(type)),
  v.literal("user.deleted"),
  v.literal("clerk.sync"),
);
export type SessionChangeType = Infer<typeof vSessionChangeType>;

/** The arguments of an app's `onEvent` mutation. */
export const vSessionChange = {
  type: vSessionChangeType,
  before: v.union(vStoredSession, v.null()),
  after: vStoredSession,
};
export type SessionChangeArgs = ObjectType<typeof vSessionChange>;
