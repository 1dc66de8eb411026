/**
 * A walk over every user of the Clerk instance (`syncAllUsers`), as the
 * component records it: where it stands, what it has done, and its last
 * failure, so an app can tell a finished walk from one that gave up.
 */
import { v, type Infer } from "convex/values";

/**
 * `running`: a page is in progress or scheduled (after a failure, a retry);
 * `done`: every user was read; `failed`: it gave up, `failure` says why;
 * `superseded`: a newer walk started before this one finished.
 */
export const vSyncWalkState = v.union(
  v.literal("running"),
  v.literal("done"),
  v.literal("failed"),
  v.literal("superseded"),
);
export type SyncWalkState = Infer<typeof vSyncWalkState>;

/** A failed attempt at one page: the `CLERK_` code, Clerk's HTTP status, and when. */
export const vSyncFailure = v.object({
  code: v.string(),
  message: v.string(),
  status: v.union(v.number(), v.null()),
  /** The offset of the page that failed. */
  offset: v.number(),
  /** Failed attempts at that page so far. */
  attempts: v.number(),
  at: v.number(),
});
export type SyncFailure = Infer<typeof vSyncFailure>;

/** Sessions read from Clerk, and what became of them. */
export const syncCounts = {
  fetched: v.number(),
  applied: v.number(),
  stale: v.number(),
  skipped: v.number(),
};
export const vSyncCounts = v.object(syncCounts);
export type SyncCounts = Infer<typeof vSyncCounts>;

export const vSyncWalk = v.object({
  walkId: v.string(),
  state: vSyncWalkState,
  /** Where the next page of users starts. */
  offset: v.number(),
  pageSize: v.number(),
  /** Clerk's user count when the last page was read. */
  totalCount: v.union(v.number(), v.null()),
  /** Users read so far. */
  users: v.number(),
  ...syncCounts,
  startedAt: v.number(),
  updatedAt: v.number(),
  finishedAt: v.union(v.number(), v.null()),
  /** The last failure; with `state: "running"` a retry is scheduled. */
  failure: v.union(vSyncFailure, v.null()),
});
export type SyncWalk = Infer<typeof vSyncWalk>;
