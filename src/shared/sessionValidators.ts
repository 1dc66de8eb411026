/**
 * The stored record of a Clerk session: its statuses, device, and the facts
 * one Clerk event or API answer carries about it.
 */
import { v, type Infer } from "convex/values";

/**
 * Statuses Clerk reports for a session. Most sessions are stored `active`
 * and then `ended`, so those two come first: a union is checked member by
 * member (convex-test throws an Error for each member a value misses).
 */
export const CLERK_SESSION_STATUSES = [
  "active",
  "ended",
  "pending",
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

/** Who is acting for the user when a session is impersonated (Clerk's `actor`). */
export const vActor = v.object({ sub: v.string() });
export type Actor = Infer<typeof vActor>;

/**
 * Most sessions are not impersonated, so `null` is listed first: a union is
 * checked member by member (convex-test throws an Error for each miss).
 */
const vActorOrNull = v.union(v.null(), vActor);

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
  actor: vActorOrNull,
});
export type SessionFacts = Infer<typeof vSessionFacts>;

/** A stored session as the component hands it out. */
export const vStoredSession = v.object({
  ...sessionIdentity,
  status: vClerkSessionStatus,
  ...clerkTimes,
  abandonAt: v.union(v.number(), v.null()),
  endedAt: v.union(v.number(), v.null()),
  device: v.union(vDevice, v.null()),
  actor: vActorOrNull,
  /**
   * Present when `status` is not what Clerk reported but read from time: a
   * live session whose `expireAt` or `abandonAt` has passed. A live Clerk
   * token of the session outranks it (Clerk may extend a session on activity
   * and sends no webhook for that).
   */
  derivedFromTime: v.optional(v.literal(true)),
});
export type StoredSession = Infer<typeof vStoredSession>;
