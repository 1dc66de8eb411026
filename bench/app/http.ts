import { httpRouter } from "convex/server";
import { referenceWebhook } from "./reference.js";
import { dedupingWebhook } from "./referenceWithDedupe.js";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();
clerkSessions.registerRoutes(http);
http.route({
  path: "/reference/webhook",
  method: "POST",
  handler: referenceWebhook,
});

http.route({
  path: "/reference-dedupe/webhook",
  method: "POST",
  handler: dedupingWebhook,
});

export default http;
