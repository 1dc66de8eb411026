import { v } from "convex/values";
import { clerkApi } from "./clerkSync.js";
import { sessionAction } from "./sessionFunctions.js";

// "Your devices": the caller's own sessions, newest first with the current one
// marked; signing one of them out, or all the others, at Clerk.
export const { mySessions, signOutSession, signOutOtherSessions } =
  clerkApi.devices();

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
    return await clerkApi.syncUserSessions(ctx, {
      userId: ctx.session.userId,
    });
  },
});
