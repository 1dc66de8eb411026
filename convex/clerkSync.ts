import { v } from "convex/values";
import { vSyncWalk } from "../src/client/core/index.js";
import { internal } from "./_generated/api.js";
import { internalAction, internalQuery } from "./_generated/server.js";
import { clerkSessions } from "./sessions.js";

/**
 * Backfills every user's sessions from Clerk, one page of users per run;
 * each run schedules the next, and retries a page Clerk was too busy for.
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
    const { walkId, users, applied, nextOffset } =
      await clerkSessions.syncAllUsers(ctx, {
        ...args,
        next: internal.clerkSync.syncAll,
      });
    return { walkId, users, applied, nextOffset };
  },
});

/** How the latest backfill went: `npx convex run clerkSync:status`. */
export const status = internalQuery({
  args: {},
  returns: v.union(vSyncWalk, v.null()),
  handler: async (ctx) => await clerkSessions.syncStatus(ctx),
});
