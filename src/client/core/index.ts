import {
  createFunctionHandle,
  internalMutationGeneric,
  queryGeneric,
  type FunctionReference,
  type GenericActionCtx,
  type GenericDataModel,
  type GenericMutationCtx,
  type PaginationOptions,
  type PaginationResult,
} from "convex/server";
import { v } from "convex/values";
import { customCtx } from "convex-helpers/server/customFunctions";
import type { ComponentApi } from "../../component/_generated/component.js";
import {
  vPruneResult,
  vSessionStatusResult,
  vWhoami,
  type PruneResult,
  type SessionStatusResult,
  type Whoami,
} from "../../shared/resultValidators.js";
import {
  type ClerkSessionStatus,
  type StoredSession,
} from "../../shared/sessionValidators.js";
import { type SessionChangeArgs } from "../../shared/eventValidators.js";
import type { ClerkApiOptions } from "../clerkApi/backend.js";
import { sessionStatus, whoami, type AuthQueryCtx } from "./identity.js";
import {
  revokeSession,
  syncAllUsers,
  syncStatus,
  syncUserSessions,
  type SyncAllUsersArgs,
  type SyncAllUsersResult,
  type SyncResult,
} from "../clerkApi/sync.js";
import type { SyncWalk } from "../../shared/syncValidators.js";
import {
  requireActiveSession,
  type ActiveSession,
  type VerifierOptions,
} from "./verifier.js";
import { devicesApi } from "../clerkApi/devices.js";

export { compareSessions, VERDICTS } from "./compareSessions.js";
export type { ClerkClientState, Verdict } from "./compareSessions.js";
export {
  CLERK_API_ERROR_CODES,
  isClerkApiError,
  isSessionError,
  SESSION_ERROR_CODES,
} from "./errors.js";
export type {
  ClerkApiErrorCode,
  ClerkApiErrorData,
  SessionErrorCode,
  SessionErrorData,
} from "./errors.js";
export type { ActiveSession, VerifierOptions } from "./verifier.js";
export { defineSessionEventHandler } from "./sessionEvents.js";
export type {
  EndedSession,
  SessionChange,
  SessionChangeOf,
  SessionEventHandlers,
} from "./sessionEvents.js";
export {
  isSignOutError,
  SIGN_OUT_BATCH_SIZE,
  SIGN_OUT_ERROR_CODES,
  vMySession,
  vSignOutOthersResult,
} from "../clerkApi/devices.js";
export type {
  MySession,
  SignOutErrorCode,
  SignOutErrorData,
  SignOutOthersResult,
} from "../clerkApi/devices.js";
export type { ClerkApiOptions } from "../clerkApi/backend.js";
export type {
  SyncAllUsersArgs,
  SyncAllUsersResult,
  SyncAllUsersStep,
  SyncResult,
} from "../clerkApi/sync.js";
export {
  vSyncFailure,
  vSyncWalk,
  vSyncWalkState,
} from "../../shared/syncValidators.js";
export type {
  SyncFailure,
  SyncWalk,
  SyncWalkState,
} from "../../shared/syncValidators.js";
export {
  CLERK_SESSION_STATUSES,
  isTerminalStatus,
  TERMINAL_STATUSES,
  vClerkSessionStatus,
  vDevice,
  vSessionFacts,
  vSessionStatus,
  vStoredSession,
} from "../../shared/sessionValidators.js";
export type {
  ClerkSessionStatus,
  Device,
  SessionFacts,
  SessionStatus,
  StoredSession,
} from "../../shared/sessionValidators.js";
export {
  SESSION_END_TYPES,
  SESSION_EVENT_TYPES,
  vApplyResult,
  vSessionChange,
  vSessionChangeType,
  vSessionEvent,
} from "../../shared/eventValidators.js";
export type {
  ApplyResult,
  SessionChangeArgs,
  SessionChangeType,
  SessionEvent,
  SessionEventType,
} from "../../shared/eventValidators.js";
export {
  vPruneResult,
  vSessionStatusResult,
  vWhoami,
} from "../../shared/resultValidators.js";
export type {
  PruneResult,
  SessionStatusResult,
  Whoami,
} from "../../shared/resultValidators.js";
export type { ComponentApi };

/** An app mutation that receives each change: `args: vSessionChange`. */
export type OnEventMutation = FunctionReference<
  "mutation",
  "internal",
  SessionChangeArgs
>;

export type ClerkSessionsOptions = {
  /** How long pruning keeps things; see `api().prune`. */
  retention?: {
    /**
     * Ended and expired sessions, and deleted-user records. Default 30 days;
     * at least 36 hours, to outlast Svix's retries.
     */
    sessionRetentionMs?: number;
  };
  /**
   * Defaults for `requireActiveSession` and `customCtx`, e.g.
   * `{ pendingSessions: "allow", impersonatedSessions: "deny" }`.
   */
  verifier?: VerifierOptions;
  /**
   * The Clerk issuer (Clerk's Frontend API URL). Only tokens from it count as
   * Clerk sessions in `whoami` and the verifier, for apps that trust several
   * auth providers. Default: env `CLERK_JWT_ISSUER_DOMAIN`, read at call time;
   * compared without trailing slashes. When neither is set, every token counts.
   */
  issuer?: string;
  /**
   * Runs in the same transaction as every change a webhook or a sync makes,
   * exactly once per change; never for a replay, a stale or an ignored event.
   */
  onEvent?: OnEventMutation;
  /** Clerk's Backend API, for `syncUserSessions`, `syncAllUsers`, `revokeSession`. */
  clerkApi?: ClerkApiOptions;
};

/**
 * The default path of the webhook route, which `registerRoutes` from
 * `convex-clerk-sessions/webhook` mounts.
 */
export const DEFAULT_WEBHOOK_PATH = "/clerk/webhook";

type RunQueryCtx = Pick<GenericActionCtx<GenericDataModel>, "runQuery">;
type RunMutationCtx = Pick<GenericMutationCtx<GenericDataModel>, "runMutation">;
type SyncCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "runMutation" | "runQuery" | "scheduler"
>;

/**
 * The app's handle on the clerkSessions component.
 *
 * @example
 * // convex/sessions.ts
 * import { ClerkSessions } from "convex-clerk-sessions";
 * import { components } from "./_generated/api";
 *
 * export const clerkSessions = new ClerkSessions(components.clerkSessions);
 * export const { whoami, sessionStatus, prune } = clerkSessions.api();
 */
export class ClerkSessions {
  constructor(
    public component: ComponentApi,
    public options: ClerkSessionsOptions = {},
  ) {}

  /** The identity Convex sees for this request, and its stored session. */
  async whoami(ctx: AuthQueryCtx): Promise<Whoami> {
    return await whoami(ctx, this.component, { issuer: this.options.issuer });
  }

  /**
   * The status of a session as it reads now (a live session past its
   * `expireAt` reads `expired`). `userId`, `clientId`, `device` and `actor`
   * are included only when the caller is that session's user.
   */
  async sessionStatus(
    ctx: AuthQueryCtx,
    args: { sessionId: string },
  ): Promise<SessionStatusResult> {
    return await sessionStatus(ctx, this.component, args.sessionId, {
      issuer: this.options.issuer,
    });
  }

  /**
   * The full stored session as it reads now (expiry included), for server
   * code that already checked access.
   */
  async getSession(
    ctx: RunQueryCtx,
    args: { sessionId: string },
  ): Promise<StoredSession | null> {
    return await ctx.runQuery(this.component.sessions.get, args);
  }

  /**
   * The caller's `{ userId, sessionId }`, or a `ConvexError` with `code`
   * `UNAUTHENTICATED` (no token, or not from the Clerk issuer),
   * `SESSION_ENDED` (terminal, expired, or the user was deleted),
   * `SESSION_PENDING` (unless `pendingSessions: "allow"`),
   * `SESSION_IMPERSONATED` (only under `impersonatedSessions: "deny"`) or
   * `SESSION_UNKNOWN` (only under `unknownSessions: "deny"` or
   * `legacyTokens: "deny"`): a token that is still valid is refused as soon
   * as Clerk reports its session ended.
   *
   * @example
   * export const addNote = mutation({
   *   args: { text: v.string() },
   *   handler: async (ctx, { text }) => {
   *     const { userId } = await clerkSessions.requireActiveSession(ctx);
   *     await ctx.db.insert("notes", { userId, text });
   *   },
   * });
   */
  async requireActiveSession(
    ctx: AuthQueryCtx,
    options: VerifierOptions = {},
  ): Promise<ActiveSession> {
    return await requireActiveSession(ctx, this.component, {
      issuer: this.options.issuer,
      ...this.options.verifier,
      ...options,
    });
  }

  /**
   * A convex-helpers customization that checks the session and puts it on
   * `ctx.session`.
   *
   * @example
   * const sessionQuery = customQuery(query, clerkSessions.customCtx());
   * export const mine = sessionQuery({
   *   args: {},
   *   handler: (ctx) => ctx.session.userId,
   * });
   */
  customCtx(options: VerifierOptions = {}) {
    return customCtx(async (ctx: AuthQueryCtx) => ({
      session: await this.requireActiveSession(ctx, options),
    }));
  }

  /**
   * A user's sessions, newest first, for a "your devices" page. Check that
   * the caller may see them first.
   */
  async listSessions(
    ctx: RunQueryCtx,
    args: {
      userId: string;
      status?: ClerkSessionStatus;
      paginationOpts: PaginationOptions;
    },
  ): Promise<PaginationResult<StoredSession>> {
    return await ctx.runQuery(this.component.sessions.listByUser, args);
  }

  /**
   * Deletes what is older than the retention periods, in bounded batches that
   * continue on their own. Returns the counts of the first batch.
   */
  async prune(ctx: RunMutationCtx): Promise<PruneResult> {
    return await ctx.runMutation(
      this.component.retention.prune,
      this.options.retention ?? {},
    );
  }

  /**
   * Reads the user's sessions from Clerk's Backend API and applies them by
   * the webhook's rules: a sync never brings back an ended session.
   */
  async syncUserSessions(
    ctx: SyncCtx,
    args: { userId: string },
  ): Promise<SyncResult> {
    return await syncUserSessions(ctx, this.syncDeps(), args.userId);
  }

  /**
   * One step of a walk over every user, oldest first: a page of users and
   * their sessions. With `next`, each following step (and the retry of a
   * failed one) is scheduled, so one call walks the whole instance; a
   * failure that ends the walk is recorded for `syncStatus`, then thrown.
   *
   * @example
   * // convex/clerkSync.ts: `npx convex run clerkSync:syncAll`
   * export const syncAll = internalAction({
   *   args: { walkId: v.optional(v.string()), offset: v.optional(v.number()) },
   *   handler: (ctx, args) =>
   *     clerkSessions.syncAllUsers(ctx, { ...args, next: internal.clerkSync.syncAll }),
   * });
   */
  async syncAllUsers(
    ctx: SyncCtx,
    args: SyncAllUsersArgs,
  ): Promise<SyncAllUsersResult> {
    return await syncAllUsers(ctx, this.syncDeps(), args);
  }

  /**
   * The latest walk over every user (null before the first): `state`
   * (`running`, `done`, `failed`, `superseded`), its totals, and its last
   * `failure` with the `CLERK_` code, so a walk never stops unseen.
   */
  async syncStatus(ctx: RunQueryCtx): Promise<SyncWalk | null> {
    return await syncStatus(ctx, this.component);
  }

  /**
   * Revokes a session at Clerk and records Clerk's answer; an answer naming
   * another session fails with `CLERK_BAD_RESPONSE` and changes nothing.
   */
  async revokeSession(
    ctx: SyncCtx,
    args: { sessionId: string },
  ): Promise<StoredSession | null> {
    return await revokeSession(ctx, this.syncDeps(), args.sessionId);
  }

  /**
   * Functions for the app to re-export: public queries so clients can compare
   * what Convex sees with what Clerk's client reports, an internal
   * mutation for a cron to prune old records, and a devices page: the
   * caller's sessions (`mySessions`), `signOutSession` and
   * `signOutOtherSessions`, each requiring an active session.
   *
   * @example
   * export const { whoami, sessionStatus, prune } = clerkSessions.api();
   * // convex/devices.ts
   * export const { mySessions, signOutSession, signOutOtherSessions } =
   *   clerkSessions.api();
   * // convex/crons.ts
   * crons.daily("prune clerk sessions", { hourUTC: 4, minuteUTC: 17 }, internal.sessions.prune);
   */
  api() {
    return {
      whoami: queryGeneric({
        args: {},
        returns: vWhoami,
        handler: (ctx) => this.whoami(ctx),
      }),
      sessionStatus: queryGeneric({
        args: { sessionId: v.string() },
        returns: vSessionStatusResult,
        handler: (ctx, args) => this.sessionStatus(ctx, args),
      }),
      prune: internalMutationGeneric({
        args: {},
        returns: vPruneResult,
        handler: (ctx) => this.prune(ctx),
      }),
      ...devicesApi(this),
    };
  }

  private async onEventHandle(): Promise<string | undefined> {
    const onEvent = this.options.onEvent;
    return onEvent === undefined
      ? undefined
      : await createFunctionHandle(onEvent);
  }

  private syncDeps() {
    return {
      component: this.component,
      clerkApi: this.options.clerkApi ?? {},
      onEvent: () => this.onEventHandle(),
    };
  }
}
