/**
 * "Your devices" as public functions: the caller's own sessions, and signing
 * them out at Clerk. Every function requires an active session and acts only
 * on the caller's own sessions.
 */
import {
  actionGeneric,
  paginationOptsValidator,
  paginationResultValidator,
  queryGeneric,
  type PaginationOptions,
  type PaginationResult,
} from "convex/server";
import { ConvexError, v, type Infer } from "convex/values";
import {
  isTerminalStatus,
  vClerkSessionStatus,
  vStoredSession,
  type ClerkSessionStatus,
  type StoredSession,
} from "../../shared/sessionValidators.js";
import { isClerkApiError, sessionError } from "../core/errors.js";
import type { ClerkSessions } from "../core/index.js";

/** Sessions read, and at most revoked at once, per batch of `signOutOtherSessions`. */
export const SIGN_OUT_BATCH_SIZE = 10;

/** One of the caller's sessions; `current` marks the one making the request. */
export const vMySession = v.object({
  ...vStoredSession.fields,
  current: v.boolean(),
});
export type MySession = Infer<typeof vMySession>;

/** What `signOutOtherSessions` did: sessions revoked, and revokes Clerk refused. */
export const vSignOutOthersResult = v.object({
  signedOut: v.number(),
  failed: v.number(),
});
export type SignOutOthersResult = Infer<typeof vSignOutOthersResult>;

export const SIGN_OUT_ERROR_CODES = [
  "SESSION_NOT_FOUND",
  "NOT_YOUR_SESSION",
] as const;
export type SignOutErrorCode = (typeof SIGN_OUT_ERROR_CODES)[number];
export type SignOutErrorData = { code: SignOutErrorCode; message: string };

/**
 * True for the refusals of `signOutSession`: a session the store has no
 * record of, or one of another user. Nothing was changed at Clerk or here.
 */
export function isSignOutError(
  error: unknown,
): error is ConvexError<SignOutErrorData> {
  if (!(error instanceof ConvexError)) return false;
  const code: unknown = (error.data as { code?: unknown } | null)?.code;
  return (SIGN_OUT_ERROR_CODES as readonly unknown[]).includes(code);
}

function signOutError(code: SignOutErrorCode, message: string) {
  return new ConvexError<SignOutErrorData>({ code, message });
}

/** What the devices functions need of the `ClerkSessions` class. */
export type DevicesDeps = Pick<
  ClerkSessions,
  "requireActiveSession" | "listSessions" | "getSession" | "revokeSession"
>;

type QueryCtx = Parameters<DevicesDeps["listSessions"]>[0] &
  Parameters<DevicesDeps["requireActiveSession"]>[0];
type ActionCtx = QueryCtx & Parameters<DevicesDeps["revokeSession"]>[0];

/** The caller's sessions, newest first by Clerk's `created_at`, the current one marked. */
export async function listMySessions(
  ctx: QueryCtx,
  sessions: DevicesDeps,
  args: { status?: ClerkSessionStatus; paginationOpts: PaginationOptions },
): Promise<PaginationResult<MySession>> {
  const caller = await sessions.requireActiveSession(ctx);
  const page = await sessions.listSessions(ctx, {
    userId: caller.userId,
    ...args,
  });
  return {
    ...page,
    page: page.page.map((session) => ({
      ...session,
      current: session.sessionId === caller.sessionId,
    })),
  };
}

/**
 * Revokes one of the caller's sessions at Clerk and records it. A session
 * that already ended is returned as stored, without a call to Clerk.
 */
export async function signOutSession(
  ctx: ActionCtx,
  sessions: DevicesDeps,
  { sessionId }: { sessionId: string },
): Promise<StoredSession | null> {
  const caller = await sessions.requireActiveSession(ctx);
  const stored = await sessions.getSession(ctx, { sessionId });
  if (stored === null) {
    throw signOutError(
      "SESSION_NOT_FOUND",
      "No record of this session; sync the user's sessions first",
    );
  }
  if (stored.userId !== caller.userId) {
    throw signOutError("NOT_YOUR_SESSION", "Not a session of yours");
  }
  if (isTerminalStatus(stored.status)) return stored;
  return await sessions.revokeSession(ctx, { sessionId });
}

/**
 * Revokes every live session of the caller except the current one (a token
 * without a `sid` claim is refused with `SESSION_UNKNOWN`): a page
 * of `SIGN_OUT_BATCH_SIZE` sessions is read, its live ones revoked together,
 * then the next. A revoke Clerk refuses is counted in `failed` and the others
 * go on.
 */
export async function signOutOtherSessions(
  ctx: ActionCtx,
  sessions: DevicesDeps,
): Promise<SignOutOthersResult> {
  const caller = await sessions.requireActiveSession(ctx);
  if (caller.sessionId === null) {
    // Without a `sid` claim the current session is unknown, and would be
    // signed out with the others.
    throw sessionError(
      "SESSION_UNKNOWN",
      "The token has no sid claim, so the current session is unknown",
    );
  }
  const result = { signedOut: 0, failed: 0 };
  let cursor: string | null = null;
  for (;;) {
    const page: PaginationResult<StoredSession> = await sessions.listSessions(
      ctx,
      {
        userId: caller.userId,
        paginationOpts: { numItems: SIGN_OUT_BATCH_SIZE, cursor },
      },
    );
    const others = page.page.filter(
      (session) =>
        session.sessionId !== caller.sessionId &&
        !isTerminalStatus(session.status),
    );
    const outcomes = await Promise.allSettled(
      others.map(({ sessionId }) => sessions.revokeSession(ctx, { sessionId })),
    );
    for (const outcome of outcomes) {
      if (outcome.status === "fulfilled") {
        result.signedOut++;
      } else {
        result.failed++;
        const reason: unknown = outcome.reason;
        const code = isClerkApiError(reason) ? reason.data.code : "error";
        console.warn(`signOutOtherSessions: a revoke failed (${code})`);
      }
    }
    if (page.isDone) return result;
    cursor = page.continueCursor;
  }
}

/** The functions `api()` returns for a devices page. */
export function devicesApi(sessions: DevicesDeps) {
  return {
    /** The caller's sessions, newest first by Clerk's `created_at`, the current one marked. */
    mySessions: queryGeneric({
      args: {
        status: v.optional(vClerkSessionStatus),
        paginationOpts: paginationOptsValidator,
      },
      returns: paginationResultValidator(vMySession),
      handler: (ctx, args) => listMySessions(ctx, sessions, args),
    }),
    /** Revokes one of the caller's sessions at Clerk and records it. */
    signOutSession: actionGeneric({
      args: { sessionId: v.string() },
      returns: v.union(vStoredSession, v.null()),
      handler: (ctx, args) => signOutSession(ctx, sessions, args),
    }),
    /** Revokes the caller's other live sessions at Clerk, in batches. */
    signOutOtherSessions: actionGeneric({
      args: {},
      returns: vSignOutOthersResult,
      handler: (ctx) => signOutOtherSessions(ctx, sessions),
    }),
  };
}
