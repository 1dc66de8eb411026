/**
 * One mapping from Clerk's session fields to the component's `SessionFacts`,
 * for webhook payloads and Backend API responses alike. The device summary
 * keeps no IP address or location.
 */
import {
  CLERK_SESSION_STATUSES,
  type ClerkSessionStatus,
  type SessionFacts,
} from "../../shared/sessionValidators.js";

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

/**
 * Below this a Clerk time is in seconds: 10^11 seconds is the year 5138,
 * 10^11 milliseconds is March 1973, before Clerk existed.
 */
const SECONDS_BELOW = 1e11;

/**
 * A Clerk time in milliseconds. Clerk publishes times in both units (session
 * fields in ms, some envelope `timestamp`s in seconds), so every time field
 * from a webhook or the Backend API goes through here.
 */
export function toMillis(time: number): number {
  return time < SECONDS_BELOW ? time * 1000 : time;
}

function optionalMillis(time: number | null | undefined): number | null {
  return time === null || time === undefined ? null : toMillis(time);
}

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
    createdAt: optionalMillis(session.createdAt),
    updatedAt: toMillis(session.updatedAt),
    lastActiveAt: optionalMillis(session.lastActiveAt),
    expireAt: optionalMillis(session.expireAt),
    abandonAt: optionalMillis(session.abandonAt),
    // No activity in the event (end events carry `latest_activity: null`):
    // the component keeps the device it recorded earlier.
    device: activity
      ? {
          deviceType: activity.deviceType ?? null,
          browserName: activity.browserName ?? null,
          browserVersion: activity.browserVersion ?? null,
          isMobile: activity.isMobile ?? null,
        }
      : null,
    actor:
      typeof session.actor?.sub === "string"
        ? { sub: session.actor.sub }
        : null,
  };
}
