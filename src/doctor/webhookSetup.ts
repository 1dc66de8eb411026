/**
 * The webhook endpoint to add in Clerk's dashboard: the deployment's
 * `.convex.site` URL with the route's path, and the events to subscribe.
 */
import type { AppFiles } from "./appFiles.js";

/**
 * Every event type the route stores. Subscribing to more costs an
 * `ignored` answer each; missing one leaves the store behind Clerk.
 */
export const WEBHOOK_EVENTS = [
  "session.created",
  "session.pending",
  "session.ended",
  "session.removed",
  "session.revoked",
  "user.deleted",
  "organizationMembership.created",
  "organizationMembership.updated",
  "organizationMembership.deleted",
  "organization.deleted",
] as const;

export const PLACEHOLDER_SITE = "https://<deployment>.convex.site";

/** Names under which apps and the Convex CLI keep the deployment URL. */
const CLOUD_URL_VARIABLES = [
  "CONVEX_URL",
  "VITE_CONVEX_URL",
  "NEXT_PUBLIC_CONVEX_URL",
  "EXPO_PUBLIC_CONVEX_URL",
];

export type WebhookSetup = {
  url: string;
  /** Where the site URL came from, or null for the placeholder. */
  from: string | null;
};

export function webhookSetup(app: AppFiles, path: string): WebhookSetup {
  const site = app.variable("CONVEX_SITE_URL");
  const join = (base: string) =>
    `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  if (site)
    return { url: join(site.value), from: `CONVEX_SITE_URL in ${site.from}` };
  for (const name of CLOUD_URL_VARIABLES) {
    const cloud = app.variable(name);
    if (cloud && /\.convex\.cloud\/?$/.test(cloud.value)) {
      return {
        url: join(cloud.value.replace(/\.convex\.cloud\/?$/, ".convex.site")),
        from: `${name} in ${cloud.from}`,
      };
    }
  }
  return { url: join(PLACEHOLDER_SITE), from: null };
}
