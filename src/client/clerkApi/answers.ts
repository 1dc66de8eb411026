/**
 * zod schemas for Clerk's Backend API answers, as `@clerk/backend` hands
 * them over (its `Session` and `User` resources, camelCase). The shapes are
 * Clerk's published ones (clerk/openapi-specs, bapi/2026-05-12.yml at commit
 * 7987d1b): `GET /v1/users` answers a list of `User`, `GET /v1/users/count`
 * a `TotalCount`, `GET /v1/sessions` a list of `Session` (`{ data,
 * total_count }` with `paginated=true`, as the SDK asks, or a plain array),
 * `GET /v1/sessions/{id}` and `POST /v1/sessions/{id}/revoke` one `Session`.
 *
 * An envelope that is not one of those fails the whole call; one malformed
 * entry inside a good list is reported by the path of its bad field and
 * skipped, never guessed at. Fields the store needs are required; a
 * malformed optional field is dropped.
 */
import * as z from "zod/mini";
import type { SessionFacts } from "../../shared/sessionValidators.js";
import { isClerkSessionStatus, toSessionFacts } from "../core/sessionFacts.js";
import { describeIssues } from "../core/zodIssues.js";

const MAX_ID_LENGTH = 256;
const id = z.string().check(z.minLength(1), z.maxLength(MAX_ID_LENGTH));
const time = z.number().check(z.gte(0));
const count = z.int().check(z.gte(0));
/** An optional field: kept when well-typed, otherwise null. */
const lenient = <T extends z.ZodMiniType>(schema: T) =>
  z.catch(z.optional(z.nullable(schema)), null);

const sessionActivity = z.object({
  deviceType: lenient(z.string().check(z.maxLength(MAX_ID_LENGTH))),
  browserName: lenient(z.string().check(z.maxLength(MAX_ID_LENGTH))),
  browserVersion: lenient(z.string().check(z.maxLength(MAX_ID_LENGTH))),
  isMobile: lenient(z.boolean()),
});

/** The fields of `@clerk/backend`'s `Session` this package reads. */
export const clerkSession = z.object({
  id,
  userId: id,
  status: z.string(),
  updatedAt: time,
  clientId: lenient(z.string().check(z.maxLength(MAX_ID_LENGTH))),
  createdAt: lenient(time),
  lastActiveAt: lenient(time),
  expireAt: lenient(time),
  abandonAt: lenient(time),
  latestActivity: lenient(sessionActivity),
  actor: lenient(z.object({ sub: id })),
});
export type ClerkSessionAnswer = z.infer<typeof clerkSession>;

/** The field of `@clerk/backend`'s `User` the walk reads. */
export const clerkUser = z.object({ id });

/** A list as the SDK returns it: `{ data, totalCount }`, or the bare array. */
const list = z.union([
  z.object({ data: z.array(z.unknown()), totalCount: z.optional(count) }),
  z.array(z.unknown()),
]);

/** Why an answer is not Clerk's shape; the caller turns it into `CLERK_BAD_RESPONSE`. */
export class ClerkShapeError extends Error {}

/** The entries of a list answer, and Clerk's total when given. */
export function parseList(answer: unknown): {
  entries: unknown[];
  totalCount: number | null;
} {
  const parsed = list.safeParse(answer);
  if (!parsed.success) {
    throw new ClerkShapeError(
      "expected a list (an array, or { data: [...], total_count })",
    );
  }
  return Array.isArray(parsed.data)
    ? { entries: parsed.data, totalCount: null }
    : { entries: parsed.data.data, totalCount: parsed.data.totalCount ?? null };
}

/**
 * A page of users as the SDK's `getUserList` returns it: the page (an array)
 * and the count from `GET /v1/users/count`, which the SDK unwraps.
 */
const userList = z.object({ data: z.array(z.unknown()), totalCount: count });

export function parseUserList(answer: unknown): {
  entries: unknown[];
  totalCount: number;
} {
  const parsed = userList.safeParse(answer);
  if (parsed.success) {
    return { entries: parsed.data.data, totalCount: parsed.data.totalCount };
  }
  throw new ClerkShapeError(
    Array.isArray((answer as { data?: unknown } | null)?.data)
      ? "expected { total_count: <count> } from the count"
      : "expected an array of users",
  );
}

/** A user's id, or the reason the entry is not a Clerk user. */
export function parseUserId(entry: unknown): string | { malformed: string } {
  const parsed = clerkUser.safeParse(entry);
  return parsed.success
    ? parsed.data.id
    : { malformed: `a user: ${describeIssues(parsed.error.issues, entry)}` };
}

/**
 * One session of a list or a single answer:
 * - `facts` for a session the store can hold;
 * - `unknownStatus` for a well-formed session whose status this package
 *   does not know (Clerk may add statuses);
 * - `malformed` with a reason that names a field, never its value.
 */
export type ParsedSession =
  | { kind: "facts"; facts: SessionFacts }
  | { kind: "unknownStatus"; sessionId: string }
  | { kind: "malformed"; reason: string };

export function parseSession(entry: unknown): ParsedSession {
  const parsed = clerkSession.safeParse(entry);
  if (!parsed.success) {
    return {
      kind: "malformed",
      reason: `a session: ${describeIssues(parsed.error.issues, entry)}`,
    };
  }
  const session = parsed.data;
  if (!isClerkSessionStatus(session.status)) {
    return { kind: "unknownStatus", sessionId: session.id };
  }
  return { kind: "facts", facts: toSessionFacts(session, session.status) };
}
