/**
 * Paces refreshes of one session from Clerk's Backend API. The verifier asks
 * for one when a live token outranks a stored lifetime that has passed (Clerk
 * may extend a session on activity and sends no webhook for it); every
 * checked request of that session would ask, so only the first within an
 * interval is granted.
 */
import { v } from "convex/values";
import { MIN_REFRESH_INTERVAL_MS } from "../shared/limits.js";
import { mutation, type MutationCtx } from "./_generated/server.js";

/**
 * Whether the caller may refresh the session now: true at most once per
 * `minIntervalMs` for a session, and it records the grant in the same
 * transaction, so two concurrent requests cannot both be granted.
 */
export const claim = mutation({
  args: { sessionId: v.string(), minIntervalMs: v.number() },
  returns: v.boolean(),
  handler: async (ctx, { sessionId, minIntervalMs }) => {
    if (!(minIntervalMs >= MIN_REFRESH_INTERVAL_MS)) {
      throw new Error(
        `minIntervalMs must be at least ${MIN_REFRESH_INTERVAL_MS} ms`,
      );
    }
    const now = Date.now();
    const last = await ctx.db
      .query("sessionRefreshes")
      .withIndex("by_session_id", (q) => q.eq("sessionId", sessionId))
      .unique();
    if (last !== null && now - last.requestedAt < minIntervalMs) return false;
    if (last === null) {
      await ctx.db.insert("sessionRefreshes", { sessionId, requestedAt: now });
    } else {
      await ctx.db.patch(last._id, { requestedAt: now });
    }
    return true;
  },
});

/** Deletes up to `limit` grants older than `before`; returns how many. */
export async function pruneRefreshes(
  ctx: MutationCtx,
  before: number,
  limit: number,
): Promise<number> {
  const old = await ctx.db
    .query("sessionRefreshes")
    .withIndex("by_requested_at", (q) => q.lt("requestedAt", before))
    .take(limit);
  for (const doc of old) await ctx.db.delete(doc._id);
  return old.length;
}
