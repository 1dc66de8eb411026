/**
 * Turns a verified Clerk webhook body into the component's event shape.
 * Lenient on purpose: only the fields the store needs are required, unknown
 * fields are ignored, and a malformed optional field is dropped rather than
 * failing the delivery.
 */
import type { SessionWebhookEvent, UserWebhookEvent } from "@clerk/backend";
import { z } from "zod";
import {
  SESSION_END_TYPES,
  SESSION_EVENT_TYPES,
  type SessionEvent,
  type SessionEventType,
} from "../shared/eventValidators.js";
import { isClerkSessionStatus, toSessionFacts } from "./sessionFacts.js";

/** Every webhook type the route applies; anything else is acknowledged and ignored. */
export const HANDLED_EVENT_TYPES = [
  ...SESSION_EVENT_TYPES,
  "user.deleted",
] as const satisfies readonly (
  // Clerk publishes `session.pending`; @clerk/backend's types do not list it yet.
  SessionWebhookEvent["type"] | UserWebhookEvent["type"] | "session.pending"
)[];

export type ParsedWebhook =
  | { kind: "event"; type: string; event: SessionEvent }
  | { kind: "ignored"; type: string }
  | { kind: "invalid"; error: string };

const id = z.string().min(1).max(256);
const optionalTime = z.number().finite().nullish().catch(null);
const optionalText = z.string().max(256).nullish().catch(null);

const envelope = z.object({
  type: z.string().min(1).max(256),
  data: z.unknown(),
  timestamp: optionalTime,
});

const sessionData = z.object({
  id,
  user_id: id,
  status: z.string(),
  updated_at: z.number().finite(),
  client_id: optionalText,
  created_at: optionalTime,
  last_active_at: optionalTime,
  expire_at: optionalTime,
  abandon_at: optionalTime,
  latest_activity: z
    .object({
      device_type: optionalText,
      browser_name: optionalText,
      browser_version: optionalText,
      is_mobile: z.boolean().nullish().catch(null),
    })
    .nullish()
    .catch(null),
});

const userDeletedData = z.object({ id });

/** Names each bad field by its path in the body, never its value. */
function describe(error: z.ZodError, under: string[] = []): string {
  return error.issues
    .map((issue) => {
      const path = [...under, ...issue.path.map(String)].join(".");
      return `${path || "body"}: ${issue.message}`;
    })
    .join("; ");
}

function parseSession(type: SessionEventType, data: unknown): ParsedWebhook {
  const parsed = sessionData.safeParse(data);
  if (!parsed.success) {
    return {
      kind: "invalid",
      error: `${type}: ${describe(parsed.error, ["data"])}`,
    };
  }
  const session = parsed.data;
  const status =
    type in SESSION_END_TYPES
      ? SESSION_END_TYPES[type as keyof typeof SESSION_END_TYPES]
      : session.status;
  if (!isClerkSessionStatus(status)) {
    return {
      kind: "invalid",
      error: `${type}: data.status is not a Clerk session status`,
    };
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
    },
    status,
  );
  return {
    kind: "event",
    type,
    event: { kind: "session", type, session: facts },
  };
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
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    return { kind: "invalid", error: describe(parsed.error) };
  }
  const { type, data, timestamp } = parsed.data;
  if (isSessionEventType(type)) return parseSession(type, data);
  if (type !== "user.deleted") return { kind: "ignored", type };
  const user = userDeletedData.safeParse(data);
  if (!user.success) {
    return {
      kind: "invalid",
      error: `${type}: ${describe(user.error, ["data"])}`,
    };
  }
  return {
    kind: "event",
    type,
    event: {
      kind: "user.deleted",
      userId: user.data.id,
      deletedAt: timestamp ?? null,
    },
  };
}
