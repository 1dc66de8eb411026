import {
  internalMutationGeneric,
  queryGeneric,
  type GenericDataModel,
  type GenericMutationCtx,
  type HttpRouter,
} from "convex/server";
import { v } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import {
  vPruneResult,
  vSessionStatusResult,
  vWhoami,
  type PruneResult,
  type SessionStatusResult,
  type StoredSession,
  type Whoami,
} from "../shared/validators.js";
import { sessionStatus, whoami, type AuthQueryCtx } from "./identity.js";
import { webhookAction, type WebhookOptions } from "./webhookRoute.js";

export { compareSessions, VERDICTS } from "./compareSessions.js";
export type { ClerkClientState, Verdict } from "./compareSessions.js";
export { HANDLED_EVENT_TYPES } from "./webhookPayload.js";
export { MAX_BODY_BYTES, SECRET_ENV_VARS } from "./webhookVerifier.js";
export * from "../shared/validators.js";
export type { ComponentApi };

export type ClerkSessionsOptions = {
  /** How long pruning keeps things; see `api().prune`. */
  retention?: {
    /** Ended and expired sessions, and deleted-user records. Default 30 days. */
    sessionRetentionMs?: number;
    /** Applied svix message ids. Default 3 days; at least 36 hours. */
    messageRetentionMs?: number;
  };
};

/** The default path of the webhook route. */
export const DEFAULT_WEBHOOK_PATH = "/clerk/webhook";

/**
 * The app's handle on the clerkSessions component.
 *
 * @example
 * // convex/sessions.ts
 * import { ClerkSessions } from "convex-clerk-sessions";
 * import { components } from "./_generated/api";
 *
 * export const clerkSessions = new ClerkSessions(components.clerkSessions);
 * export const { whoami, sessionStatus } = clerkSessions.api();
 */
export class ClerkSessions {
  constructor(
    public component: ComponentApi,
    public options: ClerkSessionsOptions = {},
  ) {}

  /**
   * Mounts the Clerk webhook route on the app's router.
   *
   * @example
   * // convex/http.ts
   * const http = httpRouter();
   * clerkSessions.registerRoutes(http);
   * export default http;
   */
  registerRoutes(
    http: HttpRouter,
    options: WebhookOptions & { path?: string } = {},
  ): void {
    const { path = DEFAULT_WEBHOOK_PATH, ...webhookOptions } = options;
    http.route({
      path,
      method: "POST",
      handler: webhookAction(this.component, webhookOptions),
    });
  }

  /** The identity Convex sees for this request, and its stored session. */
  async whoami(ctx: AuthQueryCtx): Promise<Whoami> {
    return await whoami(ctx, this.component);
  }

  /**
   * The stored status of a session. `userId`, `clientId` and `device` are
   * included only when the caller is that session's user.
   */
  async sessionStatus(
    ctx: AuthQueryCtx,
    args: { sessionId: string },
  ): Promise<SessionStatusResult> {
    return await sessionStatus(ctx, this.component, args.sessionId);
  }

  /** The full stored session, for server code that already checked access. */
  async getSession(
    ctx: Pick<AuthQueryCtx, "runQuery">,
    args: { sessionId: string },
  ): Promise<StoredSession | null> {
    return await ctx.runQuery(this.component.sessions.get, args);
  }

  /**
   * Deletes what is older than the retention periods, in bounded batches that
   * continue on their own. Returns the counts of the first batch.
   */
  async prune(
    ctx: Pick<GenericMutationCtx<GenericDataModel>, "runMutation">,
  ): Promise<PruneResult> {
    return await ctx.runMutation(
      this.component.retention.prune,
      this.options.retention ?? {},
    );
  }

  /**
   * Functions for the app to re-export: public queries so clients can compare
   * what Convex sees with what Clerk's client reports, and an internal
   * mutation for a cron to prune old records.
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
}
