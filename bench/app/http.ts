import { httpRouter } from "convex/server";
import { registerRoutes } from "../../src/client/webhook.js";
import { referenceWebhook } from "./reference.js";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();
registerRoutes(http, clerkSessions);
http.route({
  path: "/reference/webhook",
  method: "POST",
  handler: referenceWebhook,
});

export default http;
