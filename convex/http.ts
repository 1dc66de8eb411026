import { httpRouter } from "convex/server";
import { clerkSessions } from "./sessions.js";

const http = httpRouter();

// POST /clerk/webhook, verified with CLERK_WEBHOOK_SIGNING_SECRET.
clerkSessions.registerRoutes(http);

export default http;
