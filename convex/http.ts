import { httpRouter } from "convex/server";
import { registerRoutes } from "../src/client/webhook/index.js";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();

// POST /clerk/webhook, verified with CLERK_WEBHOOK_SIGNING_SECRET.
registerRoutes(http, clerkSessions);

export default http;
