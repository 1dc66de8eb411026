/**
 * One mapping from Clerk's session fields to the component's `SessionFacts`,
 * for webhook payloads and Backend API responses alike. The device summary
 * keeps no IP address or location.
 */
import {
  CLERK_SESSION_STATUSES,
  type ClerkSessionStatus,
  type SessionFacts,
} from "../shared/sessionValidators.js";

/** A Clerk session in camelCase, as `@clerk/backend`'s `Session` has it. */
export type ClerkSessionFields = {
  id: string;
  userId: string;
  clientId?: string | null;
  createdAt?: number | null;
  updatedAt: number;
  lastActiveAt?: number | null;
  expireAt?: number | null;
  abandonAt?: number | null;
  latestActivity?: {
    deviceType?: string | null;
    browserName?: string | null;
    browserVersion?: string | null;
    isMobile?: boolean | null;
  } | null;
  actor?: { sub: string } | null;
};

export function isClerkSessionStatus(
  status: string,
): status is ClerkSessionStatus {
  return (CLERK_SESSION_STATUSES as readonly string[]).includes(status);
}

export function toSessionFacts(
  session: ClerkSessionFields,
  status: ClerkSessionStatus,
): SessionFacts {
  const activity = session.latestActivity;
  return {
    sessionId: session.id,
    userId: session.userId,
    clientId: session.clientId ?? null,
    status,
    createdAt: session.createdAt ?? null,
    updatedAt: session.updatedAt,
    lastActiveAt: session.lastActiveAt ?? null,
    expireAt: session.expireAt ?? null,
    abandonAt: session.abandonAt ?? null,
    device: activity
      ? {
          deviceType: activity.deviceType ?? null,
          browserName: activity.browserName ?? null,
          browserVersion: activity.browserVersion ?? null,
          isMobile: activity.isMobile ?? null,
        }
      : null,
    actor: session.actor ? { sub: session.actor.sub } : null,
  };
}
