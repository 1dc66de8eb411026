/**
 * `user.deleted` touches every session of the user, so it runs in bounded
 * batches: the first in the webhook's own transaction, the rest as durable
 * work on the component's workpool, retried with backoff until every session
 * of the user is marked. A failure is never forgotten: work that exhausts its
 * retries is enqueued again, later.
 */
import { Workpool, vOnCompleteArgs } from "@convex-dev/workpool";
import { v } from "convex/values";
import { components, internal } from "./_generated/api.js";
import {
  internalAction,
  internalMutation,
  type MutationCtx,
} from "./_generated/server.js";
import { reportChange } from "./notify.js";
import { findUserDeletion, saveSessionState } from "./store.js";

/** Sessions marked per transaction, well under Convex's per-transaction limits. */
export const DELETION_BATCH_SIZE = 100;

/** Retries of one run of the remaining batches: about 4 minutes in all. */
export const DELETION_RETRY = {
  maxAttempts: 8,
  initialBackoffMs: 1_000,
  base: 2,
};
/** When a run exhausts its retries, the next run starts after this. */
export const DELETION_REQUEUE_MS = 15 * 60 * 1_000;

const pool = new Workpool(components.deletionPool, { maxParallelism: 4 });

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
): Promise<{ isDone: boolean; continueCursor: string }> {
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
  await pool.enqueueAction(ctx, internal.users.removeSessions, removal, {
    retry: DELETION_RETRY,
    runAfter,
    onComplete: internal.users.removalFinished,
    context: removal,
  });
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
  returns: v.object({ isDone: v.boolean(), continueCursor: v.string() }),
  handler: async (ctx, { numItems, ...removal }) =>
    await markPage(ctx, removal, numItems),
});

/**
 * Walks the remaining pages. A page that fails is tried again at half the
 * size (a page too big for the transaction limits, with the app's
 * `onEvent` writes, gets through smaller); a page of one that fails fails
 * the run, and the workpool retries it with backoff. Marking is idempotent,
 * so a retry that walks pages again changes nothing there.
 */
export const removeSessions = internalAction({
  args: vRemoval,
  returns: v.null(),
  handler: async (ctx, removal) => {
    let cursor = removal.cursor;
    let numItems = DELETION_BATCH_SIZE;
    for (;;) {
      try {
        const page = await ctx.runMutation(
          internal.users.markSessionsOfDeletedUser,
          { ...removal, cursor, numItems },
        );
        if (page.isDone) return null;
        cursor = page.continueCursor;
      } catch (error) {
        if (numItems === 1) throw error;
        numItems = Math.ceil(numItems / 2);
      }
    }
  },
});

/** A run that exhausted its retries is enqueued again: nothing is forgotten. */
export const removalFinished = internalMutation({
  args: vOnCompleteArgs(v.object(vRemoval)),
  returns: v.null(),
  handler: async (ctx, { context, result }) => {
    if (result.kind === "failed") {
      console.warn(
        JSON.stringify({
          event: "clerk_user_deletion_retry",
          error: result.error,
          retryInMs: DELETION_REQUEUE_MS,
        }),
      );
      await enqueueRemoval(ctx, context, DELETION_REQUEUE_MS);
    }
    return null;
  },
});
