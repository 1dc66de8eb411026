/**
 * What crosses from the webhook route (or a sync with Clerk's API) into the
 * component, and what the component reports back and to `onEvent`.
 */
import { v, type Infer, type ObjectType } from "convex/values";
import {
  vMembershipChangeCause,
  vMembershipChangeType,
  vStoredMembership,
} from "./membershipValidators.js";
import { vSessionFacts, vStoredSession } from "./sessionValidators.js";

/** Clerk webhook types that end a session, and the status each one implies. */
export const SESSION_END_TYPES = {
  "session.ended": "ended",
  "session.removed": "removed",
  "session.revoked": "revoked",
} as const;

/**
 * Every handled session type: `session.created` and `session.pending` carry
 * their status in the payload, the others imply it. Listed in the order of
 * how often they arrive, as the statuses are (see CLERK_SESSION_STATUSES).
 */
export const SESSION_EVENT_TYPES = [
  "session.created",
  "session.ended",
  "session.pending",
  "session.removed",
  "session.revoked",
] as const satisfies readonly (
  "session.created" | "session.pending" | keyof typeof SESSION_END_TYPES
)[];
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

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

/** What the webhook route answers with a 200; a redelivery is a `duplicate`. */
export const vApplyResult = v.union(
  v.literal("applied"),
  v.literal("duplicate"),
  v.literal("stale"),
  v.literal("ignored"),
);
export type ApplyResult = Infer<typeof vApplyResult>;

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

/**
 * The arguments of an app's `onEvent` mutation built by
 * `defineSessionEventHandler`: a session change, or a membership change,
 * which also names its `cause` (the webhook type).
 */
export const vOnEventChange = {
  type: v.union(vSessionChangeType, vMembershipChangeType),
  cause: v.optional(vMembershipChangeCause),
  before: v.union(vStoredSession, vStoredMembership, v.null()),
  after: v.union(vStoredSession, vStoredMembership),
};
export type OnEventChangeArgs = ObjectType<typeof vOnEventChange>;
