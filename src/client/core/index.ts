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
import { type OnEventChangeArgs } from "../../shared/eventValidators.js";
import { sessionStatus, whoami, type AuthQueryCtx } from "./identity.js";
import {
  requireActiveSession,
  type ActiveSession,
  type VerifierOptions,
} from "./verifier.js";
import { MIN_REFRESH_INTERVAL_MS } from "../../shared/limits.js";

export { MAX_PAGE_SIZE, MIN_REFRESH_INTERVAL_MS } from "../../shared/limits.js";

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
  ActiveMembership,
  EndedSession,
  EventChange,
  EventChangeOf,
  EventChangeType,
  MembershipChange,
  RemovedMembership,
  SessionChange,
  SessionChangeOf,
  SessionEventHandlers,
} from "./sessionEvents.js";
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
  vOnEventChange,
  vSessionChange,
  vSessionChangeType,
  vSessionEvent,
} from "../../shared/eventValidators.js";
export {
  MEMBERSHIP_CHANGE_TYPES,
  MEMBERSHIP_EVENT_TYPES,
  vMembershipChange,
  vMembershipChangeCause,
  vMembershipChangeType,
  vMembershipEvent,
  vMembershipFacts,
  vMembershipForToken,
  vMembershipStatus,
  vStoredMembership,
} from "../../shared/membershipValidators.js";
export type {
  MembershipChangeArgs,
  MembershipChangeCause,
  MembershipChangeType,
  MembershipEvent,
  MembershipEventType,
  MembershipFacts,
  MembershipForToken,
  MembershipStatus,
  StoredMembership,
} from "../../shared/membershipValidators.js";
export type {
  ApplyResult,
  OnEventChangeArgs,
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

/**
 * An app mutation that receives each change, of sessions and memberships:
 * `args: vOnEventChange` (what `defineSessionEventHandler` builds).
 */
export type OnEventMutation = FunctionReference<
  "mutation",
  "internal",
  OnEventChangeArgs
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
  /**
   * The app's internal action that refreshes one session from Clerk's
   * Backend API. When a checked mutation or action sees a live token of a
   * session whose stored lifetime has passed (Clerk extends sessions on
   * activity without a webhook), the verifier schedules it, at most once per
   * `sessionRefreshIntervalMs` for a session. Without it the token is still
   * let through; the store just keeps the old lifetime.
   */
  sessionRefresh?: SessionRefreshAction;
  /** At most one refresh of a session per this interval. Default 10 minutes; at least 10 s. */
  sessionRefreshIntervalMs?: number;
};

/** An app action that refreshes one session: `args: { sessionId: v.string() }`. */
export type SessionRefreshAction = FunctionReference<
  "action",
  "internal",
  { sessionId: string }
>;

/** The default of `sessionRefreshIntervalMs`. */
export const DEFAULT_SESSION_REFRESH_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The default path of the webhook route, which `registerRoutes` from
 * `convex-clerk-sessions/webhook` mounts.
 */
export const DEFAULT_WEBHOOK_PATH = "/clerk/webhook";

type RunQueryCtx = Pick<GenericActionCtx<GenericDataModel>, "runQuery">;
type ScheduleCtx = Pick<
  GenericMutationCtx<GenericDataModel>,
  "runMutation" | "scheduler"
>;

/** Mutations and actions can write and schedule; queries cannot. */
function canSchedule<T extends object>(ctx: T): ctx is T & ScheduleCtx {
  return "runMutation" in ctx && "scheduler" in ctx;
}
type RunMutationCtx = Pick<GenericMutationCtx<GenericDataModel>, "runMutation">;

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
  ) {
    const interval = options.sessionRefreshIntervalMs;
    if (interval !== undefined && !(interval >= MIN_REFRESH_INTERVAL_MS)) {
      throw new Error(
        `sessionRefreshIntervalMs must be at least ${MIN_REFRESH_INTERVAL_MS} ms`,
      );
    }
  }

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
      requestRefresh: (ctx, sessionId) => this.requestRefresh(ctx, sessionId),
    });
  }

  /**
   * Schedules the app's `sessionRefresh` action for a session, at most once
   * per interval; does nothing in a query (which cannot schedule) or without
   * the option.
   */
  private async requestRefresh(
    ctx: AuthQueryCtx,
    sessionId: string,
  ): Promise<void> {
    const refresh = this.options.sessionRefresh;
    if (refresh === undefined || !canSchedule(ctx)) return;
    const granted = await ctx.runMutation(this.component.refreshes.claim, {
      sessionId,
      minIntervalMs:
        this.options.sessionRefreshIntervalMs ??
        DEFAULT_SESSION_REFRESH_INTERVAL_MS,
    });
    if (granted) await ctx.scheduler.runAfter(0, refresh, { sessionId });
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
   * Functions for the app to re-export: public queries so clients can compare
   * what Convex sees with what Clerk's client reports, and an internal
   * mutation for a cron to prune old records. (The devices functions are
   * `ClerkApi.devices()`, in `convex-clerk-sessions/clerk-api`.)
   *
   * @example
   * export const { whoami, sessionStatus, prune } = clerkSessions.api();
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
    };
  }

  /**
   * A function handle to `onEvent`, made per call: it names the app's
   * mutation in this deployment.
   */
  async onEventHandle(): Promise<string | undefined> {
    const onEvent = this.options.onEvent;
    return onEvent === undefined
      ? undefined
      : await createFunctionHandle(onEvent);
  }
}
