import {
  paginationOptsValidator,
  paginationResultValidator,
} from "convex/server";
import { v } from "convex/values";
import {
  vClerkSessionStatus,
  vStoredSession,
} from "../shared/sessionValidators.js";
import { query } from "./_generated/server.js";
import { findSession, toStoredSession } from "./store.js";

/** One session by its Clerk id, or null when no webhook reported it. */
export const get = query({
  args: { sessionId: v.string() },
  returns: v.union(vStoredSession, v.null()),
  handler: async (ctx, { sessionId }) => {
    const doc = await findSession(ctx.db, sessionId);
    return doc && toStoredSession(doc);
  },
});

/** A user's sessions, newest first, optionally of one status. */
export const listByUser = query({
  args: {
    userId: v.string(),
    status: v.optional(vClerkSessionStatus),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(vStoredSession),
  handler: async (ctx, { userId, status, paginationOpts }) => {
    const query =
      status === undefined
        ? ctx.db
            .query("sessions")
            .withIndex("by_user_id", (q) => q.eq("userId", userId))
        : ctx.db
            .query("sessions")
            .withIndex("by_user_id_and_status", (q) =>
              q.eq("userId", userId).eq("status", status),
            );
    const page = await query.order("desc").paginate(paginationOpts);
    return { ...page, page: page.page.map(toStoredSession) };
  },
});
