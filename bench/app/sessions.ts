import { customQuery } from "convex-helpers/server/customFunctions";
import { ClerkSessions } from "../../src/client/core/index.js";
import { components } from "./_generated/api.js";
import { query } from "./_generated/server.js";

export const clerkSessions = new ClerkSessions(components.clerkSessions);

export const { whoami, sessionStatus } = clerkSessions.api();

/** Queries that refuse a request whose Clerk session has ended. */
export const sessionQuery = customQuery(query, clerkSessions.customCtx());
