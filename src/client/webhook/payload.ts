/**
 * Turns a verified Clerk webhook body into the component's event shape.
 * Lenient on purpose: only the fields the store needs are required, unknown
 * fields are ignored, and a malformed optional field is dropped rather than
 * failing the delivery. Hand-written instead of a schema library: the route
 * needs a dozen fields, and a library would be most of its bundle.
 */
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

type JsonObject = Record<string, unknown>;

function asObject(value: unknown): JsonObject | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : null;
}

/** Own fields only: a `__proto__` or `constructor` key never stands in for one. */
function field(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Reads the required fields of one JSON object, collecting a problem per bad
 * field, named by its path in the body and never by its value.
 */
class RequiredFields {
  readonly problems: string[] = [];
  constructor(
    private readonly object: JsonObject,
    private readonly path: string,
  ) {}

  private fail(key: string, expected: string): void {
    const value = field(this.object, key);
    const found = value === undefined ? "missing" : `expected ${expected}`;
    this.problems.push(`${this.path}${key}: ${found}`);
  }

  id(key: string): string {
    const value = field(this.object, key);
    if (
      typeof value === "string" &&
      value.length > 0 &&
      value.length <= MAX_ID_LENGTH
    ) {
      return value;
    }
    this.fail(key, `a string of 1 to ${MAX_ID_LENGTH} characters`);
    return "";
  }

  text(key: string): string {
    const value = field(this.object, key);
    if (typeof value === "string") return value;
    this.fail(key, "a string");
    return "";
  }

  time(key: string): number {
    const value = field(this.object, key);
    if (typeof value === "number" && Number.isFinite(value)) return value;
    this.fail(key, "a finite number");
    return 0;
  }
}

function optionalTime(object: JsonObject, key: string): number | null {
  const value = field(object, key);
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function optionalText(object: JsonObject, key: string): string | null {
  const value = field(object, key);
  return typeof value === "string" && value.length <= MAX_ID_LENGTH
    ? value
    : null;
}

function optionalBoolean(object: JsonObject, key: string): boolean | null {
  const value = field(object, key);
  return typeof value === "boolean" ? value : null;
}

/** Clerk's `actor` (impersonation): `{ sub }`, or null when absent or malformed. */
function parseActor(value: unknown): { sub: string } | null {
  const actor = asObject(value);
  const sub = actor && field(actor, "sub");
  return typeof sub === "string" &&
    sub.length > 0 &&
    sub.length <= MAX_ID_LENGTH
    ? { sub }
    : null;
}

function parseActivity(value: unknown) {
  const activity = asObject(value);
  if (activity === null) return null;
  return {
    deviceType: optionalText(activity, "device_type"),
    browserName: optionalText(activity, "browser_name"),
    browserVersion: optionalText(activity, "browser_version"),
    isMobile: optionalBoolean(activity, "is_mobile"),
  };
}

function invalid(type: string, problem: string): ParsedWebhook {
  return { kind: "invalid", error: `${type}: ${problem}` };
}

function parseSession(type: SessionEventType, value: unknown): ParsedWebhook {
  const data = asObject(value);
  if (data === null) return invalid(type, "data: expected an object");
  const required = new RequiredFields(data, "data.");
  const id = required.id("id");
  const userId = required.id("user_id");
  const payloadStatus = required.text("status");
  const updatedAt = required.time("updated_at");
  if (required.problems.length > 0) {
    return invalid(type, required.problems.join("; "));
  }
  // End types imply their status; the others carry it in the payload.
  const status = Object.hasOwn(SESSION_END_TYPES, type)
    ? SESSION_END_TYPES[type as keyof typeof SESSION_END_TYPES]
    : payloadStatus;
  if (!isClerkSessionStatus(status)) {
    return invalid(type, "data.status: not a Clerk session status");
  }
  const facts = toSessionFacts(
    {
      id,
      userId,
      clientId: optionalText(data, "client_id"),
      createdAt: optionalTime(data, "created_at"),
      updatedAt,
      lastActiveAt: optionalTime(data, "last_active_at"),
      expireAt: optionalTime(data, "expire_at"),
      abandonAt: optionalTime(data, "abandon_at"),
      latestActivity: parseActivity(field(data, "latest_activity")),
      actor: parseActor(field(data, "actor")),
    },
    status,
  );
  return {
    kind: "event",
    type,
    event: { kind: "session", type, session: facts },
  };
}

function parseUserDeleted(value: unknown, timestamp: number | null) {
  const type = "user.deleted";
  const data = asObject(value);
  if (data === null) return invalid(type, "data: expected an object");
  const required = new RequiredFields(data, "data.");
  const userId = required.id("id");
  if (required.problems.length > 0) {
    return invalid(type, required.problems.join("; "));
  }
  return {
    kind: "event",
    type,
    event: {
      kind: "user.deleted",
      userId,
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
  const envelope = asObject(json);
  if (envelope === null) {
    return { kind: "invalid", error: "body: expected a JSON object" };
  }
  const required = new RequiredFields(envelope, "");
  const type = required.id("type");
  if (required.problems.length > 0) {
    return { kind: "invalid", error: required.problems.join("; ") };
  }
  const data = field(envelope, "data");
  if (isSessionEventType(type)) return parseSession(type, data);
  if (type === "user.deleted") {
    return parseUserDeleted(data, optionalTime(envelope, "timestamp"));
  }
  return { kind: "ignored", type };
}
