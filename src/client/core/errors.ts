/** Errors thrown to callers: a `ConvexError` whose data carries a `code`. */
import { ConvexError } from "convex/values";

export const SESSION_ERROR_CODES = [
  /** No token, or a token that is not from the Clerk issuer. */
  "UNAUTHENTICATED",
  /** The session is terminal, expired or abandoned, or Clerk deleted the user. */
  "SESSION_ENDED",
  /** The session is `pending` (unless `pendingSessions: "allow"`). */
  "SESSION_PENDING",
  /** The session is impersonated (only under `impersonatedSessions: "deny"`). */
  "SESSION_IMPERSONATED",
  /** No record of the session (only under `unknownSessions: "deny"`), or no `sid` under `legacyTokens: "deny"`. */
  "SESSION_UNKNOWN",
] as const;
export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

export type SessionErrorData = { code: SessionErrorCode; message: string };

export function sessionError(code: SessionErrorCode, message: string) {
  return new ConvexError<SessionErrorData>({ code, message });
}

/**
 * True for the errors `requireActiveSession` throws, on the server or in a
 * client that caught a failed call.
 *
 * @example
 * try { await addNote({ text }) } catch (e) {
 *   if (isSessionError(e) && e.data.code === "SESSION_ENDED") await signOut();
 * }
 */
export function isSessionError(
  error: unknown,
): error is ConvexError<SessionErrorData> {
  return hasCodeIn(error, SESSION_ERROR_CODES);
}

/** A `ConvexError` whose data has a `code` from `codes`. */
function hasCodeIn(error: unknown, codes: readonly string[]): boolean {
  if (!(error instanceof ConvexError)) return false;
  const data: unknown = error.data;
  return (
    typeof data === "object" &&
    data !== null &&
    codes.includes((data as { code?: unknown }).code as string)
  );
}

export const CLERK_API_ERROR_CODES = [
  "CLERK_UNAUTHORIZED",
  "CLERK_RATE_LIMITED",
  "CLERK_UNAVAILABLE",
  "CLERK_TIMEOUT",
  "CLERK_REQUEST_FAILED",
  "CLERK_NOT_CONFIGURED",
  /** Clerk's answer is not the shape Clerk publishes; nothing was stored. */
  "CLERK_BAD_RESPONSE",
  /** Clerk answered the same full page twice: a walk that would never end. */
  "CLERK_REPEATED_PAGE",
] as const;
export type ClerkApiErrorCode = (typeof CLERK_API_ERROR_CODES)[number];

export type ClerkApiErrorData = {
  code: ClerkApiErrorCode;
  message: string;
  status: number | null;
  /** Seconds Clerk asked to wait, from `Retry-After` on a 429 or 5xx. */
  retryAfterSeconds: number | null;
};

/** True for the errors Clerk Backend API calls throw. */
export function isClerkApiError(
  error: unknown,
): error is ConvexError<ClerkApiErrorData> {
  return hasCodeIn(error, CLERK_API_ERROR_CODES);
}
