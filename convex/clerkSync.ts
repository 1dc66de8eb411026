import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalAction } from "./_generated/server.js";
import { clerkSessions } from "./sessions.js";

/** Backfills every user's sessions from Clerk, one page of users per run. */
export const syncAll = internalAction({
  args: { offset: v.optional(v.number()) },
  returns: v.object({
    users: v.number(),
    applied: v.number(),
    nextOffset: v.union(v.number(), v.null()),
  }),
  // Annotated: the handler refers to this function through `internal`.
  handler: async (
    ctx,
    { offset },
  ): Promise<{ users: number; applied: number; nextOffset: number | null }> => {
    const { users, applied, nextOffset } = await clerkSessions.syncAllUsers(
      ctx,
      {
        offset: offset ?? 0,
        next: internal.clerkSync.syncAll,
      },
    );
    return { users, applied, nextOffset };
  },
});
