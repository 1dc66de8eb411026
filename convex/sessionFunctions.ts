import {
  customAction,
  customMutation,
  customQuery,
} from "convex-helpers/server/customFunctions";
import { action, mutation, query } from "./_generated/server.js";
import { clerkSessions } from "./sessions.js";

// Functions built with these refuse a request whose Clerk session has ended,
// and give the handler `ctx.session` ({ userId, sessionId }).
export const sessionQuery = customQuery(query, clerkSessions.customCtx());
export const sessionMutation = customMutation(
  mutation,
  clerkSessions.customCtx(),
);
export const sessionAction = customAction(action, clerkSessions.customCtx());
