import { httpRouter } from "convex/server";
import type { ComponentApi } from "../../src/component/_generated/component.js";
import { registerRoutes } from "../../src/client/webhook/index.js";
import { webhookAction } from "../../src/client/webhook/route.js";
import { componentProbe } from "./probeReferences.js";
import { referenceWebhook } from "./reference.js";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();
registerRoutes(http, clerkSessions);
http.route({
  path: "/reference/webhook",
  method: "POST",
  handler: referenceWebhook,
});
// The package's route, applying each event with bench/componentProbe.ts's
// `unvalidatedApply`: the same work as `events.apply`, without validators.
http.route({
  path: "/unvalidated/webhook",
  method: "POST",
  handler: webhookAction(
    {
      events: { apply: componentProbe.unvalidatedApply },
    } as unknown as ComponentApi,
    {},
  ),
});

export default http;
