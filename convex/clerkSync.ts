import { v } from "convex/values";
import { ClerkApi } from "../src/client/clerkApi/index.js";
import { vStoredSession, vSyncWalk } from "../src/client/core/index.js";
import { internal } from "./_generated/api.js";
import { internalAction, internalQuery } from "./_generated/server.js";
import { clerkSessions } from "./sessions.js";

// Clerk's Backend API, with CLERK_SECRET_KEY: only modules that import this
// one carry Clerk's SDK.
export const clerkApi = new ClerkApi(clerkSessions);

/**
 * Backfills the sessions of every user active within a session lifetime
 * from Clerk, one page of users per run; each run schedules the next, and
 * retries a page Clerk was too busy for.
 */
export const syncAll = internalAction({
  args: { walkId: v.optional(v.string()), offset: v.optional(v.number()) },
  returns: v.object({
    walkId: v.string(),
    users: v.number(),
    applied: v.number(),
    nextOffset: v.union(v.number(), v.null()),
  }),
  // Annotated: the handler refers to this function through `internal`.
  handler: async (
    ctx,
    args,
  ): Promise<{
    walkId: string;
    users: number;
    applied: number;
    nextOffset: number | null;
  }> => {
    const { walkId, users, applied, nextOffset } = await clerkApi.syncAllUsers(
      ctx,
      {
        ...args,
        next: internal.clerkSync.syncAll,
      },
    );
    return { walkId, users, applied, nextOffset };
  },
});

/** How the latest backfill went: `npx convex run clerkSync:status`. */
export const status = internalQuery({
  args: {},
  returns: v.union(vSyncWalk, v.null()),
  handler: async (ctx) => await clerkApi.syncStatus(ctx),
});

/** Takes one session's current lifetime from Clerk (`sessionRefresh`). */
export const refreshSession = internalAction({
  args: { sessionId: v.string() },
  returns: v.union(vStoredSession, v.null()),
  handler: async (ctx, args) => await clerkApi.refreshSession(ctx, args),
});
