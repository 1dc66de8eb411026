/**
 * Checks Clerk's Backend API answers against the shapes Clerk publishes
 * (clerk/openapi-specs, bapi/2026-05-12.yml at commit 7987d1b), without a
 * schema library:
 *
 * - `GET /v1/users` answers an array of `User` (`User.List`); the count comes
 *   from `GET /v1/users/count` as `{ object: "total_count", total_count }`.
 * - `GET /v1/sessions` answers an array of `Session` (`Session.List`); asked
 *   with `paginated=true` (the spec's `Paginated` parameter, as Clerk's own
 *   SDK asks), `{ data, total_count }`. Both are accepted.
 * - `POST /v1/sessions/{id}/revoke` answers one `Session`.
 *
 * A list whose envelope is not one of those fails the whole call; one
 * malformed entry inside a good list is reported and skipped, never guessed at.
 */
import type { SessionFacts } from "../../shared/sessionValidators.js";
import {
  isClerkSessionStatus,
  toSessionFacts,
  type ClerkSessionFields,
} from "../core/sessionFacts.js";

/** The envelope of a list answer: its entries, and Clerk's total when given. */
export type ClerkList = { entries: unknown[]; totalCount: number | null };

/** Why an answer is not Clerk's shape; the caller turns it into `CLERK_BAD_RESPONSE`. */
export class ClerkShapeError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** An array, or `{ data: [...], total_count }`; anything else is not a list. */
export function parseList(body: unknown): ClerkList {
  if (Array.isArray(body)) return { entries: body, totalCount: null };
  if (isRecord(body) && Array.isArray(body["data"])) {
    const total = body["total_count"];
    if (total !== undefined && !isCount(total)) {
      throw new ClerkShapeError("total_count is not a count");
    }
    return { entries: body["data"], totalCount: total ?? null };
  }
  throw new ClerkShapeError(
    "expected an array or { data: [...], total_count }",
  );
}

/** `{ object: "total_count", total_count }` from a `/count` endpoint. */
export function parseTotalCount(body: unknown): number {
  if (isRecord(body) && isCount(body["total_count"])) {
    return body["total_count"];
  }
  throw new ClerkShapeError("expected { total_count: <count> }");
}

const MAX_ID_LENGTH = 256;

function isId(value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length > 0 &&
    value.length <= MAX_ID_LENGTH
  );
}

/** A user's id, or the reason the entry is not a Clerk user. */
export function parseUserId(entry: unknown): string | { malformed: string } {
  if (!isRecord(entry)) return { malformed: "a user is not an object" };
  if (!isId(entry["id"])) return { malformed: "a user has no id" };
  return entry["id"];
}

function optionalTime(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) && value >= 0
    ? value
    : null;
}

function optionalText(value: unknown): string | null {
  return typeof value === "string" && value.length <= MAX_ID_LENGTH
    ? value
    : null;
}

function activityOf(value: unknown): ClerkSessionFields["latestActivity"] {
  if (!isRecord(value)) return null;
  return {
    deviceType: optionalText(value["device_type"]),
    browserName: optionalText(value["browser_name"]),
    browserVersion: optionalText(value["browser_version"]),
    isMobile:
      typeof value["is_mobile"] === "boolean" ? value["is_mobile"] : null,
  };
}

function actorOf(value: unknown): { sub: string } | null {
  return isRecord(value) && isId(value["sub"]) ? { sub: value["sub"] } : null;
}

/**
 * One entry of a session list or a revoke answer:
 * - `facts` for a session the store can hold;
 * - `unknownStatus` for a well-formed session whose status this package
 *   does not know (Clerk may add statuses);
 * - `malformed` with a reason that names a field, never its value.
 * Fields the store needs are required; the others are taken when well-typed.
 */
export type ParsedSession =
  | { kind: "facts"; facts: SessionFacts }
  | { kind: "unknownStatus"; sessionId: string }
  | { kind: "malformed"; reason: string };

export function parseSession(entry: unknown): ParsedSession {
  if (!isRecord(entry)) {
    return { kind: "malformed", reason: "a session is not an object" };
  }
  if (entry["object"] !== undefined && entry["object"] !== "session") {
    return { kind: "malformed", reason: 'object is not "session"' };
  }
  const { id, user_id: userId, status, updated_at: updatedAt } = entry;
  if (!isId(id)) return { kind: "malformed", reason: "id is not an id" };
  if (!isId(userId)) {
    return { kind: "malformed", reason: "user_id is not an id" };
  }
  if (typeof status !== "string") {
    return { kind: "malformed", reason: "status is not a string" };
  }
  if (optionalTime(updatedAt) === null) {
    return { kind: "malformed", reason: "updated_at is not a time" };
  }
  if (!isClerkSessionStatus(status)) {
    return { kind: "unknownStatus", sessionId: id };
  }
  const fields: ClerkSessionFields = {
    id,
    userId,
    clientId: optionalText(entry["client_id"]),
    createdAt: optionalTime(entry["created_at"]),
    updatedAt: updatedAt as number,
    lastActiveAt: optionalTime(entry["last_active_at"]),
    expireAt: optionalTime(entry["expire_at"]),
    abandonAt: optionalTime(entry["abandon_at"]),
    latestActivity: activityOf(entry["latest_activity"]),
    actor: actorOf(entry["actor"]),
  };
  return { kind: "facts", facts: toSessionFacts(fields, status) };
}
