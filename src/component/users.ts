/**
 * `user.deleted` touches every session of the user, so it runs in bounded
 * batches: one in the webhook's own transaction, the rest scheduled.
 */
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation, type MutationCtx } from "./_generated/server.js";
import { reportChange } from "./notify.js";
import { findUserDeletion, saveSessionState } from "./store.js";

/** Sessions marked per transaction, well under Convex's per-transaction limits. */
export const DELETION_BATCH_SIZE = 100;

/**
 * Marks one page of a deleted user's sessions and schedules the next page.
 * Returns whether any session in the page changed.
 */
export async function markSessionsOfDeletedUserPage(
  ctx: MutationCtx,
  userId: string,
  cursor: string | null,
  onEvent: string | undefined,
): Promise<boolean> {
  const userDeletion = await findUserDeletion(ctx.db, userId);
  if (userDeletion === null) return false;
  const page = await ctx.db
    .query("sessions")
    .withIndex("by_user_id", (q) => q.eq("userId", userId))
    .paginate({ numItems: DELETION_BATCH_SIZE, cursor });
  let changed = false;
  for (const doc of page.page) {
    const { change } = await saveSessionState(ctx.db, doc, { userDeletion });
    changed =
      (await reportChange(ctx, onEvent, "user.deleted", change)) || changed;
  }
  if (!page.isDone) {
    await ctx.scheduler.runAfter(0, internal.users.markSessionsOfDeletedUser, {
      userId,
      cursor: page.continueCursor,
      ...(onEvent === undefined ? {} : { onEvent }),
    });
  }
  return changed;
}

/** Marks the first page of a deleted user's sessions; later pages are scheduled. */
export async function startRemovingSessionsOfUser(
  ctx: MutationCtx,
  userId: string,
  onEvent: string | undefined,
): Promise<void> {
  await markSessionsOfDeletedUserPage(ctx, userId, null, onEvent);
}

export const markSessionsOfDeletedUser = internalMutation({
  args: {
    userId: v.string(),
    cursor: v.union(v.string(), v.null()),
    onEvent: v.optional(v.string()),
  },
  returns: v.null(),
  handler: async (ctx, { userId, cursor, onEvent }) => {
    await markSessionsOfDeletedUserPage(ctx, userId, cursor, onEvent);
    return null;
  },
});
