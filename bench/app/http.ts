import { httpRouter } from "convex/server";
import { referenceWebhook } from "./reference.js";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();
clerkSessions.registerRoutes(http);
http.route({
  path: "/reference/webhook",
  method: "POST",
  handler: referenceWebhook,
});

export default http;
