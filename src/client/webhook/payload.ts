/**
 * Turns a verified Clerk webhook body into the component's event shape,
 * through zod schemas. Lenient on purpose: only the fields the store needs
 * are required, unknown fields are ignored, and a malformed optional field
 * is dropped rather than failing the delivery. Clerk's published quirks are
 * kept: `session.pending` carries its status, times come in seconds or
 * milliseconds, end events carry `latest_activity: null`. Errors name the
 * offending path, never its value.
 */
import * as z from "zod/mini";
import {
  SESSION_END_TYPES,
  SESSION_EVENT_TYPES,
  type SessionEvent,
  type SessionEventType,
} from "../../shared/eventValidators.js";
import {
  isClerkSessionStatus,
  toMillis,
  toSessionFacts,
} from "../core/sessionFacts.js";
import { describeIssues } from "../core/zodIssues.js";

/**
 * Clerk's session and user webhook types, as its webhook OpenAPI spec lists
 * them (clerk/openapi-specs, webhooks/2025-04-15.yml).
 */
type ClerkSessionOrUserEventType =
  | `session.${"created" | "pending" | "ended" | "removed" | "revoked"}`
  | `user.${"created" | "updated" | "deleted"}`;

/** Every webhook type the route applies; anything else is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = [
  ...SESSION_EVENT_TYPES,
  "user.deleted",
] as const satisfies readonly ClerkSessionOrUserEventType[];

export type ParsedWebhook =
  | { kind: "event"; type: string; event: SessionEvent }
  | { kind: "ignored"; type: string }
  | { kind: "invalid"; error: string };

/** Longest id or type accepted; Clerk's are about 30 characters. */
const MAX_ID_LENGTH = 256;
const id = z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH));
const text = z.string().check(z.maxLength(MAX_ID_LENGTH));
/** zod's number is finite: NaN and Infinity never pass. */
const time = z.number();
/** An optional field: kept when well-typed, otherwise null. */
const lenient = <T extends z.ZodMiniType>(schema: T) =>
  z.catch(z.optional(z.nullable(schema)), null);

/** The envelope: `type` required, `data` checked per type, `timestamp` optional. */
export const webhookEnvelope = z.object({
  type: id,
  data: z.unknown(),
  timestamp: lenient(time),
});

/** `data` of a session event (Clerk's `SessionJSON`), the fields the store reads. */
export const sessionEventData = z.object({
  id,
  user_id: id,
  status: z.string(),
  updated_at: time,
  client_id: lenient(text),
  created_at: lenient(time),
  last_active_at: lenient(time),
  expire_at: lenient(time),
  abandon_at: lenient(time),
  latest_activity: lenient(
    z.object({
      device_type: lenient(text),
      browser_name: lenient(text),
      browser_version: lenient(text),
      is_mobile: lenient(z.boolean()),
    }),
  ),
  actor: lenient(z.object({ sub: id })),
});

/** `data` of `user.deleted` (Clerk's `DeletedObjectJSON`). */
export const userDeletedData = z.object({ id });

function invalid(type: string, problem: string): ParsedWebhook {
  return { kind: "invalid", error: `${type}: ${problem}` };
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseSession(type: SessionEventType, data: unknown): ParsedWebhook {
  if (!isObject(data)) return invalid(type, "data: expected an object");
  const parsed = sessionEventData.safeParse(data);
  if (!parsed.success) {
    return invalid(type, describeIssues(parsed.error.issues, data, "data"));
  }
  const session = parsed.data;
  // End types imply their status; the others carry it in the payload.
  const status = Object.hasOwn(SESSION_END_TYPES, type)
    ? SESSION_END_TYPES[type as keyof typeof SESSION_END_TYPES]
    : session.status;
  if (!isClerkSessionStatus(status)) {
    return invalid(type, "data.status: not a Clerk session status");
  }
  const activity = session.latest_activity;
  const facts = toSessionFacts(
    {
      id: session.id,
      userId: session.user_id,
      clientId: session.client_id,
      createdAt: session.created_at,
      updatedAt: session.updated_at,
      lastActiveAt: session.last_active_at,
      expireAt: session.expire_at,
      abandonAt: session.abandon_at,
      latestActivity: activity && {
        deviceType: activity.device_type,
        browserName: activity.browser_name,
        browserVersion: activity.browser_version,
        isMobile: activity.is_mobile,
      },
      actor: session.actor,
    },
    status,
  );
  return {
    kind: "event",
    type,
    event: { kind: "session", type, session: facts },
  };
}

function parseUserDeleted(data: unknown, timestamp: number | null) {
  const type = "user.deleted";
  if (!isObject(data)) return invalid(type, "data: expected an object");
  const parsed = userDeletedData.safeParse(data);
  if (!parsed.success) {
    return invalid(type, describeIssues(parsed.error.issues, data, "data"));
  }
  return {
    kind: "event",
    type,
    event: {
      kind: "user.deleted",
      userId: parsed.data.id,
      // Clerk has published this envelope time in seconds and in ms.
      deletedAt: timestamp === null ? null : toMillis(timestamp),
    },
  } satisfies ParsedWebhook;
}

function isSessionEventType(type: string): type is SessionEventType {
  return (SESSION_EVENT_TYPES as readonly string[]).includes(type);
}

/** Parses the raw body of a verified webhook. Never throws. */
export function parseWebhookBody(body: string): ParsedWebhook {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { kind: "invalid", error: "body is not JSON" };
  }
  if (!isObject(json)) {
    return { kind: "invalid", error: "body: expected a JSON object" };
  }
  const envelope = webhookEnvelope.safeParse(json);
  if (!envelope.success) {
    return {
      kind: "invalid",
      error: describeIssues(envelope.error.issues, json),
    };
  }
  const { type, data, timestamp } = envelope.data;
  if (isSessionEventType(type)) return parseSession(type, data);
  if (type === "user.deleted") {
    return parseUserDeleted(data, timestamp ?? null);
  }
  return { kind: "ignored", type };
}
