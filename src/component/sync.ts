/**
 * Sessions read from Clerk's Backend API, applied by the same state rules as
 * webhooks (a sync never brings back a session the store knows has ended),
 * and the record of each walk over every user: its cursor, its totals and
 * its last failure. Recording a page and scheduling the next one happen in
 * one transaction, so a walk never advances without its next step queued.
 */
import { v } from "convex/values";
import type { FunctionHandle } from "convex/server";
import { vSessionFacts } from "../shared/sessionValidators.js";
import {
  vSyncCounts,
  vSyncWalk,
  vSyncWalkState,
  type SyncWalk,
} from "../shared/syncValidators.js";
import type { Doc } from "./_generated/dataModel.js";
import {
  mutation,
  query,
  type MutationCtx,
  type QueryCtx,
} from "./_generated/server.js";
import { applySessionFacts } from "./events.js";

/** Sessions accepted per call, well under Convex's per-transaction limits. */
export const MAX_SYNC_BATCH = 100;
/** Clerk's largest page (LimitParameter's maximum in its OpenAPI spec). */
export const MAX_WALK_PAGE_SIZE = 500;
/** Finished walks kept for reading; older ones are deleted as new ones start. */
export const KEPT_WALKS = 20;

export const applySessions = mutation({
  args: {
    sessions: v.array(vSessionFacts),
    onEvent: v.optional(v.string()),
  },
  returns: v.object({ applied: v.number(), stale: v.number() }),
  handler: async (ctx, { sessions, onEvent }) => {
    if (sessions.length > MAX_SYNC_BATCH) {
      throw new Error(`at most ${MAX_SYNC_BATCH} sessions per call`);
    }
    let applied = 0;
    for (const facts of sessions) {
      if (await applySessionFacts(ctx, facts, "clerk.sync", onEvent))
        applied += 1;
    }
    return { applied, stale: sessions.length - applied };
  },
});

/** The app's walk action, as a function handle: it takes the walk and its cursor. */
type WalkStepHandle = FunctionHandle<
  "action",
  { walkId: string; offset: number }
>;

async function findWalk(
  ctx: QueryCtx,
  walkId: string,
): Promise<Doc<"syncWalks"> | null> {
  const id = ctx.db.normalizeId("syncWalks", walkId);
  return id === null ? null : await ctx.db.get(id);
}

function publicWalk(doc: Doc<"syncWalks">): SyncWalk {
  const { _id, _creationTime, previousPageIds, ...walk } = doc;
  void _creationTime;
  void previousPageIds;
  return { walkId: _id, ...walk };
}

function isWholeNumber(value: number, min: number, max: number) {
  return Number.isSafeInteger(value) && value >= min && value <= max;
}

/** Starts a walk at `offset`; a walk still running is superseded by it. */
export const startWalk = mutation({
  args: { offset: v.number(), pageSize: v.number() },
  returns: v.string(),
  handler: async (ctx, { offset, pageSize }) => {
    if (!isWholeNumber(pageSize, 1, MAX_WALK_PAGE_SIZE)) {
      throw new Error(
        `pageSize must be a whole number from 1 to ${MAX_WALK_PAGE_SIZE}`,
      );
    }
    if (!isWholeNumber(offset, 0, Number.MAX_SAFE_INTEGER)) {
      throw new Error("offset must be a whole number, 0 or more");
    }
    const now = Date.now();
    const running = await ctx.db
      .query("syncWalks")
      .withIndex("by_state", (q) => q.eq("state", "running"))
      .collect();
    for (const walk of running) {
      await ctx.db.patch(walk._id, {
        state: "superseded",
        updatedAt: now,
        finishedAt: now,
      });
    }
    await deleteOldWalks(ctx);
    return await ctx.db.insert("syncWalks", {
      state: "running",
      offset,
      pageSize,
      totalCount: null,
      users: 0,
      fetched: 0,
      applied: 0,
      stale: 0,
      skipped: 0,
      startedAt: now,
      updatedAt: now,
      finishedAt: null,
      failure: null,
      previousPageIds: [],
    });
  },
});

async function deleteOldWalks(ctx: MutationCtx) {
  const old = await ctx.db
    .query("syncWalks")
    .order("desc")
    .take(KEPT_WALKS + 10);
  // Room for the walk about to start.
  for (const walk of old.slice(KEPT_WALKS - 1)) await ctx.db.delete(walk._id);
}

/** What the walker needs to take the walk's next step; null for an unknown walk. */
export const walkStep = query({
  args: { walkId: v.string() },
  returns: v.union(
    v.null(),
    v.object({
      state: vSyncWalkState,
      offset: v.number(),
      pageSize: v.number(),
      /** Failed attempts at `offset` so far. */
      attempts: v.number(),
      previousPageIds: v.array(v.string()),
    }),
  ),
  handler: async (ctx, { walkId }) => {
    const walk = await findWalk(ctx, walkId);
    if (walk === null) return null;
    const { failure } = walk;
    return {
      state: walk.state,
      offset: walk.offset,
      pageSize: walk.pageSize,
      attempts:
        failure !== null && failure.offset === walk.offset
          ? failure.attempts
          : 0,
      previousPageIds: walk.previousPageIds,
    };
  },
});

/** The most recent walk, for the app to read how its backfill went. */
export const latestWalk = query({
  args: {},
  returns: v.union(vSyncWalk, v.null()),
  handler: async (ctx) => {
    const walk = await ctx.db.query("syncWalks").order("desc").first();
    return walk === null ? null : publicWalk(walk);
  },
});

/**
 * The walk's current step, or null when `offset` is not where the walk
 * stands (a duplicate or late run): such a run records nothing.
 */
async function currentStep(ctx: MutationCtx, walkId: string, offset: number) {
  const walk = await findWalk(ctx, walkId);
  return walk !== null && walk.state === "running" && walk.offset === offset
    ? walk
    : null;
}

/**
 * Records a page read and applied, and moves the walk on to `nextOffset`:
 * with the next step scheduled when `next` is given, or `done`.
 * Returns false, changing nothing, for a step that is not the walk's current one.
 */
export const recordPage = mutation({
  args: {
    walkId: v.string(),
    offset: v.number(),
    pageIds: v.array(v.string()),
    users: v.number(),
    totalCount: v.number(),
    counts: vSyncCounts,
    nextOffset: v.number(),
    done: v.boolean(),
    next: v.optional(v.string()),
  },
  returns: v.boolean(),
  handler: async (ctx, args) => {
    const walk = await currentStep(ctx, args.walkId, args.offset);
    if (walk === null) return false;
    const now = Date.now();
    const { counts, nextOffset, done } = args;
    await ctx.db.patch(walk._id, {
      state: done ? "done" : "running",
      offset: nextOffset,
      totalCount: args.totalCount,
      users: walk.users + args.users,
      fetched: walk.fetched + counts.fetched,
      applied: walk.applied + counts.applied,
      stale: walk.stale + counts.stale,
      skipped: walk.skipped + counts.skipped,
      updatedAt: now,
      finishedAt: done ? now : null,
      previousPageIds: args.pageIds,
    });
    if (!done && args.next !== undefined) {
      await ctx.scheduler.runAfter(0, args.next as WalkStepHandle, {
        walkId: walk._id,
        offset: nextOffset,
      });
    }
    return true;
  },
});

/**
 * Records a failed attempt at the current page. With `retryInMs` and `next`
 * the same page is scheduled again; otherwise the walk is `failed`.
 * Returns the walk's state after it (null for a step that is not current).
 */
export const recordFailure = mutation({
  args: {
    walkId: v.string(),
    offset: v.number(),
    code: v.string(),
    message: v.string(),
    status: v.union(v.number(), v.null()),
    retryInMs: v.union(v.number(), v.null()),
    next: v.optional(v.string()),
  },
  returns: v.union(vSyncWalkState, v.null()),
  handler: async (ctx, args) => {
    const walk = await currentStep(ctx, args.walkId, args.offset);
    if (walk === null) return null;
    const now = Date.now();
    const previous = walk.failure;
    const attempts =
      (previous !== null && previous.offset === walk.offset
        ? previous.attempts
        : 0) + 1;
    const retry = args.retryInMs !== null && args.next !== undefined;
    await ctx.db.patch(walk._id, {
      state: retry ? "running" : "failed",
      updatedAt: now,
      finishedAt: retry ? null : now,
      failure: {
        code: args.code,
        message: args.message,
        status: args.status,
        offset: walk.offset,
        attempts,
        at: now,
      },
    });
    if (retry) {
      await ctx.scheduler.runAfter(
        Math.max(0, args.retryInMs ?? 0),
        args.next as WalkStepHandle,
        { walkId: walk._id, offset: walk.offset },
      );
    }
    return retry ? "running" : "failed";
  },
});
