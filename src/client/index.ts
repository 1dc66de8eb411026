import { queryGeneric, type HttpRouter } from "convex/server";
import { v } from "convex/values";
import type { ComponentApi } from "../component/_generated/component.js";
import {
  vSessionStatusResult,
  vWhoami,
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
  constructor(public component: ComponentApi) {}

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
   * Public queries for the app to re-export, so clients can compare what
   * Convex sees with what Clerk's client reports.
   *
   * @example
   * export const { whoami, sessionStatus } = clerkSessions.api();
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
    };
  }
}
