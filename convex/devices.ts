import {
  paginationOptsValidator,
  paginationResultValidator,
} from "convex/server";
import { ConvexError, v } from "convex/values";
import { vClerkSessionStatus, vStoredSession } from "../src/client/index.js";
import { sessionAction, sessionQuery } from "./sessionFunctions.js";
import { clerkSessions } from "./sessions.js";

/** "Your devices": the caller's own sessions, newest first. */
export const mySessions = sessionQuery({
  args: {
    status: v.optional(vClerkSessionStatus),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(vStoredSession),
  handler: async (ctx, { status, paginationOpts }) => {
    return await clerkSessions.listSessions(ctx, {
      userId: ctx.session.userId,
      paginationOpts,
      ...(status === undefined ? {} : { status }),
    });
  },
});

/** Signs one of the caller's own devices out, at Clerk. */
export const signOutDevice = sessionAction({
  args: { sessionId: v.string() },
  returns: v.union(vStoredSession, v.null()),
  handler: async (ctx, { sessionId }) => {
    const session = await clerkSessions.getSession(ctx, { sessionId });
    if (session === null || session.userId !== ctx.session.userId) {
      throw new ConvexError({
        code: "NOT_YOUR_SESSION",
        message: "Not a session of yours",
      });
    }
    return await clerkSessions.revokeSession(ctx, { sessionId });
  },
});

/** Brings the caller's sessions up to date from Clerk's Backend API. */
export const syncMine = sessionAction({
  args: {},
  returns: v.object({
    fetched: v.number(),
    applied: v.number(),
    stale: v.number(),
    skipped: v.number(),
  }),
  handler: async (ctx) => {
    return await clerkSessions.syncUserSessions(ctx, {
      userId: ctx.session.userId,
    });
  },
});
