/**
 * `user.deleted` touches every session of the user, so it runs in bounded
 * batches: the first in the webhook's own transaction, the rest as durable
 * work on the component's workpool (see deletionBatches.ts), until every
 * session of the user is marked.
 */
import { vOnCompleteArgs } from "@convex-dev/workpool";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import {
  internalAction,
  internalMutation,
  type MutationCtx,
} from "./_generated/server.js";
import {
  DELETION_BATCH_SIZE,
  DELETION_RETRY,
  deletionPool,
  requeueIfFailed,
  vPage,
  walkPages,
  type Page,
} from "./deletionBatches.js";
import { reportChange } from "./notify.js";
import { findUserDeletion, saveSessionState } from "./store.js";

export {
  DELETION_BATCH_SIZE,
  DELETION_REQUEUE_MS,
  DELETION_RETRY,
} from "./deletionBatches.js";

const vRemoval = {
  userId: v.string(),
  cursor: v.union(v.string(), v.null()),
  onEvent: v.optional(v.string()),
};
type Removal = { userId: string; cursor: string | null; onEvent?: string };

/**
 * Marks one page of a deleted user's sessions `removed` (their own terminal
 * status kept) and reports each change. Returns where the next page starts.
 */
async function markPage(
  ctx: MutationCtx,
  { userId, cursor, onEvent }: Removal,
  numItems: number,
): Promise<Page> {
  const userDeletion = await findUserDeletion(ctx.db, userId);
  if (userDeletion === null) return { isDone: true, continueCursor: "" };
  const page = await ctx.db
    .query("sessions")
    .withIndex("by_user_id_and_created_at", (q) => q.eq("userId", userId))
    .paginate({ numItems, cursor });
  for (const doc of page.page) {
    const { change } = await saveSessionState(ctx.db, doc, { userDeletion });
    await reportChange(ctx, onEvent, "user.deleted", change);
  }
  return { isDone: page.isDone, continueCursor: page.continueCursor };
}

async function enqueueRemoval(
  ctx: MutationCtx,
  removal: Removal,
  runAfter = 0,
): Promise<void> {
  await deletionPool.enqueueAction(
    ctx,
    internal.users.removeSessions,
    removal,
    {
      retry: DELETION_RETRY,
      runAfter,
      onComplete: internal.users.removalFinished,
      context: removal,
    },
  );
}

/**
 * Marks the first page in the caller's transaction (the webhook's), and
 * hands the rest, if any, to the workpool.
 */
export async function startRemovingSessionsOfUser(
  ctx: MutationCtx,
  userId: string,
  onEvent: string | undefined,
): Promise<void> {
  const removal = { userId, cursor: null, ...(onEvent ? { onEvent } : {}) };
  const page = await markPage(ctx, removal, DELETION_BATCH_SIZE);
  if (!page.isDone) {
    await enqueueRemoval(ctx, { ...removal, cursor: page.continueCursor });
  }
}

/** One page, in its own transaction. */
export const markSessionsOfDeletedUser = internalMutation({
  args: { ...vRemoval, numItems: v.number() },
  returns: vPage,
  handler: async (ctx, { numItems, ...removal }) =>
    await markPage(ctx, removal, numItems),
});

/** Walks the remaining pages, halving a page that fails (see `walkPages`). */
export const removeSessions = internalAction({
  args: vRemoval,
  returns: v.null(),
  handler: async (ctx, removal) => {
    await walkPages(removal.cursor, (cursor, numItems) =>
      ctx.runMutation(internal.users.markSessionsOfDeletedUser, {
        ...removal,
        cursor,
        numItems,
      }),
    );
    return null;
  },
});

/** A run that exhausted its retries is enqueued again: nothing is forgotten. */
export const removalFinished = internalMutation({
  args: vOnCompleteArgs(v.object(vRemoval)),
  returns: v.null(),
  handler: async (ctx, { context, result }) => {
    await requeueIfFailed(result, "clerk_user_deletion_retry", (runAfter) =>
      enqueueRemoval(ctx, context, runAfter),
    );
    return null;
  },
});
