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
import type { SyncCtx } from "./sync.js";

/** Revokes sent to Clerk at once by `signOutOtherSessions`. */
export const SIGN_OUT_BATCH_SIZE = 10;

/**
 * The most sessions one call of `mySessions` returns: a larger `numItems`
 * gets this many, so no caller can make one call read all its documents.
 */
export const MAX_SESSIONS_PAGE = 100;

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

/** What the devices functions need: the core's session reads, Clerk's writes. */
export type DevicesDeps = {
  requireActiveSession: ClerkSessions["requireActiveSession"];
  listSessions: ClerkSessions["listSessions"];
  getSession: ClerkSessions["getSession"];
  revokeSession: (
    ctx: SyncCtx,
    args: { sessionId: string },
  ) => Promise<StoredSession | null>;
  /** The user's live sessions as Clerk lists them now, applied to the store. */
  liveSessionIds: (ctx: SyncCtx, args: { userId: string }) => Promise<string[]>;
};

type QueryCtx = Parameters<DevicesDeps["listSessions"]>[0] &
  Parameters<DevicesDeps["requireActiveSession"]>[0];
type ActionCtx = QueryCtx & SyncCtx;

/** The caller's sessions, newest first by Clerk's `created_at`, the current one marked. */
export async function listMySessions(
  ctx: QueryCtx,
  sessions: DevicesDeps,
  args: { status?: ClerkSessionStatus; paginationOpts: PaginationOptions },
): Promise<PaginationResult<MySession>> {
  const caller = await sessions.requireActiveSession(ctx);
  const { numItems } = args.paginationOpts;
  const page = await sessions.listSessions(ctx, {
    userId: caller.userId,
    ...args,
    paginationOpts: {
      ...args.paginationOpts,
      numItems: Math.max(1, Math.min(numItems, MAX_SESSIONS_PAGE)),
    },
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
 * without a `sid` claim is refused with `SESSION_UNKNOWN`). Clerk is asked
 * for the caller's sessions first, so a session the store has not heard of
 * yet (its `session.created` still on the way) is signed out too; each
 * revoke is recorded, `SIGN_OUT_BATCH_SIZE` at a time. A revoke Clerk
 * refuses is counted in `failed` and the others go on.
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
  const live = await sessions.liveSessionIds(ctx, { userId: caller.userId });
  const others = live.filter((sessionId) => sessionId !== caller.sessionId);
  const result = { signedOut: 0, failed: 0 };
  for (let start = 0; start < others.length; start += SIGN_OUT_BATCH_SIZE) {
    const batch = others.slice(start, start + SIGN_OUT_BATCH_SIZE);
    const outcomes = await Promise.allSettled(
      batch.map((sessionId) => sessions.revokeSession(ctx, { sessionId })),
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
  }
  return result;
}

/** The functions `api()` returns for a devices page. */
export function devicesApi(sessions: DevicesDeps) {
  return {
    /**
     * The caller's sessions, newest first by Clerk's `created_at`, the
     * current one marked; at most `MAX_SESSIONS_PAGE` per call.
     */
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
    /** Revokes the caller's other live sessions at Clerk, known here or not. */
    signOutOtherSessions: actionGeneric({
      args: {},
      returns: vSignOutOthersResult,
      handler: (ctx) => signOutOtherSessions(ctx, sessions),
    }),
  };
}
