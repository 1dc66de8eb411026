/**
 * `convex-clerk-sessions/clerk-api`: Clerk's Backend API, through Clerk's
 * own SDK (`@clerk/backend`): the backfill walk, one user's or one session's
 * refresh, revoking, and the devices functions. An entry of its own so that
 * only the app modules that call Clerk carry the SDK and zod; a module that
 * imports only the core entry loads neither.
 */
import type {
  GenericActionCtx,
  GenericDataModel,
  PaginationOptions,
  PaginationResult,
} from "convex/server";
import type { ClerkSessions } from "../core/index.js";
import type {
  ClerkSessionStatus,
  StoredSession,
} from "../../shared/sessionValidators.js";
import type { SyncWalk } from "../../shared/syncValidators.js";
import {
  clerkClient,
  type ClerkApiOptions as ClerkClientOptions,
} from "./client.js";
import { devicesApi } from "./devices.js";
import { refreshSession, revokeSession } from "./sessions.js";
import {
  syncAllUsers,
  syncStatus,
  syncUserSessions,
  type SyncAllUsersArgs,
  type SyncAllUsersResult,
  type SyncCtx,
  type SyncDeps,
  type SyncResult,
} from "./sync.js";

export { CLERK_API_ERROR_CODES, isClerkApiError } from "../core/errors.js";
export type { ClerkApiErrorCode, ClerkApiErrorData } from "../core/errors.js";
export { CLERK_MAX_PAGE_SIZE, CLERK_PAGE_SIZE } from "./client.js";
export {
  isSignOutError,
  MAX_SESSIONS_PAGE,
  SIGN_OUT_BATCH_SIZE,
  SIGN_OUT_ERROR_CODES,
  vMySession,
  vSignOutOthersResult,
} from "./devices.js";
export type {
  MySession,
  SignOutErrorCode,
  SignOutErrorData,
  SignOutOthersResult,
} from "./devices.js";
export { WALK_MAX_ATTEMPTS, WALK_MAX_RETRY_AFTER_MS } from "./sync.js";
export type {
  SyncAllUsersArgs,
  SyncAllUsersResult,
  SyncAllUsersStep,
  SyncResult,
} from "./sync.js";

/** Clerk's default maximum session lifetime: 7 days. */
export const DEFAULT_SESSION_LIFETIME_MS = 7 * 86_400_000;

export type ClerkApiOptions = ClerkClientOptions & {
  /**
   * The longest a session can live on your Clerk instance (Dashboard,
   * Sessions, "Maximum lifetime"). A walk reads only users active within it
   * (and a day more), since no one else can hold a live session. Default 7
   * days, Clerk's default; `null` walks every user.
   */
  sessionLifetimeMs?: number | null;
};

type RunQueryCtx = Pick<GenericActionCtx<GenericDataModel>, "runQuery">;

/**
 * The app's handle on Clerk's Backend API, beside its `ClerkSessions`.
 * Reads `CLERK_SECRET_KEY` (and `CLERK_API_URL`, when set) at call time.
 *
 * @example
 * // convex/clerkSync.ts
 * import { ClerkApi } from "convex-clerk-sessions/clerk-api";
 * import { clerkSessions } from "./sessions.js";
 *
 * export const clerkApi = new ClerkApi(clerkSessions);
 */
export class ClerkApi {
  constructor(
    public clerkSessions: ClerkSessions,
    public options: ClerkApiOptions = {},
  ) {}

  /**
   * Reads the user's sessions from Clerk's Backend API and applies them by
   * the webhook's rules: a sync never brings back an ended session.
   */
  async syncUserSessions(
    ctx: SyncCtx,
    args: { userId: string },
  ): Promise<SyncResult> {
    return await syncUserSessions(ctx, this.deps(), args.userId);
  }

  /**
   * One step of a walk over the users who can hold a live session (active
   * within `sessionLifetimeMs`), oldest first: a page of users and their
   * sessions. With `next`, each following step (and the retry of a failed
   * one) is scheduled, so one call walks the whole instance; a failure that
   * ends the walk is recorded for `syncStatus`, then thrown.
   *
   * @example
   * export const syncAll = internalAction({
   *   args: { walkId: v.optional(v.string()), offset: v.optional(v.number()) },
   *   handler: (ctx, args) =>
   *     clerkApi.syncAllUsers(ctx, { ...args, next: internal.clerkSync.syncAll }),
   * });
   */
  async syncAllUsers(
    ctx: SyncCtx,
    args: SyncAllUsersArgs,
  ): Promise<SyncAllUsersResult> {
    return await syncAllUsers(ctx, this.deps(), args);
  }

  /**
   * The latest walk (null before the first): `state` (`running`, `done`,
   * `failed`, `superseded`), its totals, and its last `failure` with the
   * `CLERK_` code, so a walk never stops unseen.
   */
  async syncStatus(ctx: RunQueryCtx): Promise<SyncWalk | null> {
    return await syncStatus(ctx, this.clerkSessions.component);
  }

  /**
   * Reads one session from Clerk and applies it, so the store takes Clerk's
   * current `expireAt` / `abandonAt`. Export it as an internal action and
   * pass it to `ClerkSessions` as `sessionRefresh`.
   *
   * @example
   * export const refreshSession = internalAction({
   *   args: { sessionId: v.string() },
   *   handler: async (ctx, args) => {
   *     await clerkApi.refreshSession(ctx, args);
   *   },
   * });
   */
  async refreshSession(
    ctx: SyncCtx,
    args: { sessionId: string },
  ): Promise<StoredSession | null> {
    return await refreshSession(ctx, this.deps(), args.sessionId);
  }

  /**
   * Revokes a session at Clerk and records Clerk's answer; an answer naming
   * another session fails with `CLERK_BAD_RESPONSE` and changes nothing.
   */
  async revokeSession(
    ctx: SyncCtx,
    args: { sessionId: string },
  ): Promise<StoredSession | null> {
    return await revokeSession(ctx, this.deps(), args.sessionId);
  }

  /**
   * A devices page for the app to re-export: the caller's sessions
   * (`mySessions`, at most `MAX_SESSIONS_PAGE` a call), `signOutSession`
   * and `signOutOtherSessions`, each requiring an active session.
   *
   * @example
   * // convex/devices.ts
   * export const { mySessions, signOutSession, signOutOtherSessions } =
   *   clerkApi.devices();
   */
  devices() {
    const sessions = this.clerkSessions;
    return devicesApi({
      requireActiveSession: (ctx, options) =>
        sessions.requireActiveSession(ctx, options),
      listSessions: (
        ctx: RunQueryCtx,
        args: {
          userId: string;
          status?: ClerkSessionStatus;
          paginationOpts: PaginationOptions;
        },
      ): Promise<PaginationResult<StoredSession>> =>
        sessions.listSessions(ctx, args),
      getSession: (ctx, args) => sessions.getSession(ctx, args),
      revokeSession: (ctx, args) => this.revokeSession(ctx, args),
      liveSessionIds: (ctx, args) => this.liveSessionIds(ctx, args),
    });
  }

  /**
   * The user's live (`active` or `pending`) sessions as Clerk lists them
   * now, after applying everything the list says to the store.
   */
  async liveSessionIds(
    ctx: SyncCtx,
    args: { userId: string },
  ): Promise<string[]> {
    const read = await clerkClient(
      ctx,
      this.clerkSessions.component,
      this.options,
    ).userSessions(args.userId);
    await syncUserSessions(ctx, this.deps(), args.userId, read);
    return read.facts
      .filter(
        (facts) => facts.status === "active" || facts.status === "pending",
      )
      .map((facts) => facts.sessionId);
  }

  private deps(): SyncDeps {
    const { sessionLifetimeMs = DEFAULT_SESSION_LIFETIME_MS, ...clerkApi } =
      this.options;
    return {
      component: this.clerkSessions.component,
      clerkApi,
      onEvent: () => this.clerkSessions.onEventHandle(),
      sessionLifetimeMs,
    };
  }
}
