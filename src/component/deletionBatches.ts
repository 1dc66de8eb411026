/**
 * What `user.deleted` and `organization.deleted` share: a deletion touches
 * every document of its user (or organization), so the first page is marked
 * in the webhook's own transaction and the rest run as durable work on the
 * component's workpool, retried with backoff until done. A failure is never
 * forgotten: a run that exhausts its retries is enqueued again, later.
 */
import { Workpool, type RunResult } from "@convex-dev/workpool";
import { v } from "convex/values";
import { components } from "./_generated/api.js";

/** Documents marked per transaction, well under Convex's per-transaction limits. */
export const DELETION_BATCH_SIZE = 100;

/** Retries of one run of the remaining batches: about 4 minutes in all. */
export const DELETION_RETRY = {
  maxAttempts: 8,
  initialBackoffMs: 1_000,
  base: 2,
};
/** When a run exhausts its retries, the next run starts after this. */
export const DELETION_REQUEUE_MS = 15 * 60 * 1_000;

export const deletionPool = new Workpool(components.deletionPool, {
  maxParallelism: 4,
});

/** One marked page, and where the next starts. */
export const vPage = v.object({
  isDone: v.boolean(),
  continueCursor: v.string(),
});
export type Page = { isDone: boolean; continueCursor: string };

/**
 * Walks the remaining pages from `cursor`. A page that fails is tried again
 * at half the size (a page too big for the transaction limits, with the
 * app's `onEvent` writes, gets through smaller); a page of one that fails
 * fails the run, and the workpool retries it with backoff. Marking is
 * idempotent, so a retry that walks pages again changes nothing there.
 */
export async function walkPages(
  cursor: string | null,
  markPage: (cursor: string | null, numItems: number) => Promise<Page>,
): Promise<void> {
  let numItems = DELETION_BATCH_SIZE;
  for (;;) {
    try {
      const page = await markPage(cursor, numItems);
      if (page.isDone) return;
      cursor = page.continueCursor;
    } catch (error) {
      if (numItems === 1) throw error;
      numItems = Math.ceil(numItems / 2);
    }
  }
}

/**
 * For a run's `onComplete`: a run that exhausted its retries is logged
 * (without ids) and enqueued again after `DELETION_REQUEUE_MS`.
 */
export async function requeueIfFailed(
  result: RunResult,
  event: string,
  requeue: (runAfter: number) => Promise<void>,
): Promise<void> {
  if (result.kind !== "failed") return;
  console.warn(
    JSON.stringify({
      event,
      error: result.error,
      retryInMs: DELETION_REQUEUE_MS,
    }),
  );
  await requeue(DELETION_REQUEUE_MS);
}
