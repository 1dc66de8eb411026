/**
 * `convex-clerk-sessions/webhook`: the Clerk webhook route, an entry of its
 * own so that only the module that mounts it (the app's `http.ts`) carries
 * the svix verifier and the payload parser. Convex's default runtime cannot
 * load code lazily (`import()` throws there), so a method on `ClerkSessions`
 * would put them in every module that imports the client.
 */
import { createFunctionHandle, type HttpRouter } from "convex/server";
import { DEFAULT_WEBHOOK_PATH, type ClerkSessions } from "../core/index.js";
import { webhookAction } from "./route.js";

export { DEFAULT_WEBHOOK_PATH };
// Exported here, not from the main entry: a re-export there puts the
// verifier in the chunk every module loads (Convex splits chunks by module).
export { HANDLED_EVENT_TYPES } from "./payload.js";
export { MAX_BODY_BYTES, SECRET_ENV_VARS } from "./signature.js";

export type WebhookRouteOptions = {
  /** Where the route listens. Default `/clerk/webhook`. */
  path?: string;
  /** Overrides `CLERK_WEBHOOK_SIGNING_SECRET` / `CLERK_WEBHOOK_SECRET`. */
  webhookSecret?: string;
};

/**
 * Mounts the Clerk webhook route (`POST /clerk/webhook`) on the app's router,
 * applying each verified event to `clerkSessions`' component and calling its
 * `onEvent`.
 *
 * @example
 * // convex/http.ts
 * import { httpRouter } from "convex/server";
 * import { registerRoutes } from "convex-clerk-sessions/webhook";
 * import { clerkSessions } from "./sessions.js";
 *
 * const http = httpRouter();
 * registerRoutes(http, clerkSessions);
 * export default http;
 */
export function registerRoutes(
  http: HttpRouter,
  clerkSessions: ClerkSessions,
  options: WebhookRouteOptions = {},
): void {
  const { path = DEFAULT_WEBHOOK_PATH, ...webhookOptions } = options;
  http.route({
    path,
    method: "POST",
    handler: webhookAction(clerkSessions.component, {
      ...webhookOptions,
      // A handle per request: it names the app's mutation in this deployment.
      onEvent: async () => {
        const onEvent = clerkSessions.options.onEvent;
        return onEvent === undefined
          ? undefined
          : await createFunctionHandle(onEvent);
      },
    }),
  });
}
