/**
 * Pruning of ended sessions, deleted memberships and the records of deleted
 * users and organizations, in bounded batches that schedule their own
 * continuation until nothing past retention is left.
 */
import { v } from "convex/values";
import { api } from "./_generated/api.js";
import { vPruneResult } from "../shared/resultValidators.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { retentionStart } from "./sessionState.js";
import { pruneRefreshes } from "./refreshes.js";
import { stateOf } from "./store.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * The shortest session retention accepted: Svix retries a message for about
 * 28 hours, and an unknown session's event fresher than this never needs the
 * prune horizon looked up.
 */
export const MIN_SESSION_RETENTION_MS = 36 * HOUR;
/** Ended sessions stay readable for 30 days by default. */
export const DEFAULT_SESSION_RETENTION_MS = 30 * DAY;
/** Documents deleted per table per transaction. */
export const PRUNE_BATCH_SIZE = 200;

export async function findPruneHorizon(ctx: Pick<MutationCtx, "db">) {
  return await ctx.db.query("pruneHorizon").first();
}

/**
 * An unknown session or membership, or a user or organization with no
 * deletion record, older than the prune horizon may be one that was pruned:
 * a replay of its events must not bring it back. The horizon is never later than the shortest retention
 * allows, so fresh events skip the lookup.
 */
export async function isBeforePruneHorizon(ctx: MutationCtx, at: number) {
  if (at >= Date.now() - MIN_SESSION_RETENTION_MS) return false;
  const horizon = await findPruneHorizon(ctx);
  return horizon !== null && at < horizon.prunedBefore;
}

async function raiseHorizon(ctx: MutationCtx, prunedBefore: number) {
  const horizon = await findPruneHorizon(ctx);
  if (horizon === null) {
    await ctx.db.insert("pruneHorizon", { prunedBefore });
  } else if (horizon.prunedBefore < prunedBefore) {
    await ctx.db.patch(horizon._id, { prunedBefore });
  }
}

/** Deleted count, and whether a pick was full (so more may be left). */
type Pruned = { count: number; full: boolean };

async function pruneSessions(
  ctx: MutationCtx,
  before: number,
): Promise<Pruned> {
  // Documents written before `retentionStart` existed get it first, a batch
  // at a time; the batches after that see them in the index.
  const unmarked = await ctx.db
    .query("sessions")
    .withIndex("by_retention_start", (q) => q.eq("retentionStart", undefined))
    .take(PRUNE_BATCH_SIZE);
  for (const doc of unmarked) {
    await ctx.db.patch(doc._id, {
      retentionStart: retentionStart(stateOf(doc)),
    });
  }
  if (unmarked.length > 0) return { count: 0, full: true };
  // Ended sessions, and live ones Clerk let expire or abandon (they never
  // get an end webhook: their time ends them), by when retention started.
  const old = await ctx.db
    .query("sessions")
    .withIndex("by_retention_start", (q) =>
      q.gte("retentionStart", 0).lt("retentionStart", before),
    )
    .take(PRUNE_BATCH_SIZE);
  for (const doc of old) await ctx.db.delete(doc._id);
  return { count: old.length, full: old.length >= PRUNE_BATCH_SIZE };
}

/** Deleted memberships (by themselves or with their organization), by when retention started. */
async function pruneMemberships(
  ctx: MutationCtx,
  before: number,
): Promise<Pruned> {
  const old = await ctx.db
    .query("memberships")
    .withIndex("by_retention_start", (q) =>
      q.gte("retentionStart", 0).lt("retentionStart", before),
    )
    .take(PRUNE_BATCH_SIZE);
  for (const doc of old) await ctx.db.delete(doc._id);
  return { count: old.length, full: old.length >= PRUNE_BATCH_SIZE };
}

/** Records of deleted users or organizations, by when they were first written. */
async function pruneDeletionRecords(
  ctx: MutationCtx,
  table: "deletedUsers" | "organizationDeletions",
  before: number,
): Promise<Pruned> {
  const old = await ctx.db
    .query(table)
    .withIndex("by_creation_time", (q) => q.lt("_creationTime", before))
    .take(PRUNE_BATCH_SIZE);
  for (const doc of old) await ctx.db.delete(doc._id);
  return { count: old.length, full: old.length >= PRUNE_BATCH_SIZE };
}

/**
 * Deletes what is older than the retention period, one batch per table, and
 * schedules itself again while any table had a full batch.
 */
export const prune = mutation({
  args: {
    sessionRetentionMs: v.optional(v.number()),
  },
  returns: vPruneResult,
  handler: async (ctx, args) => {
    const sessionRetentionMs =
      args.sessionRetentionMs ?? DEFAULT_SESSION_RETENTION_MS;
    if (!(sessionRetentionMs >= MIN_SESSION_RETENTION_MS)) {
      throw new Error(
        `sessionRetentionMs must be at least ${MIN_SESSION_RETENTION_MS} (36 hours), to outlast Svix's retries`,
      );
    }
    const sessionsBefore = Date.now() - sessionRetentionMs;
    await raiseHorizon(ctx, sessionsBefore);
    const sessions = await pruneSessions(ctx, sessionsBefore);
    const deletedUsers = await pruneDeletionRecords(
      ctx,
      "deletedUsers",
      sessionsBefore,
    );
    const memberships = await pruneMemberships(ctx, sessionsBefore);
    const organizationDeletions = await pruneDeletionRecords(
      ctx,
      "organizationDeletions",
      sessionsBefore,
    );
    // A refresh grant matters only within its interval; a day is ample.
    const refreshes = await pruneRefreshes(
      ctx,
      Date.now() - DAY,
      PRUNE_BATCH_SIZE,
    );
    const continues =
      refreshes >= PRUNE_BATCH_SIZE ||
      [sessions, deletedUsers, memberships, organizationDeletions].some(
        (pruned) => pruned.full,
      );
    if (continues) {
      await ctx.scheduler.runAfter(0, api.retention.prune, args);
    }
    return {
      sessions: sessions.count,
      deletedUsers: deletedUsers.count,
      memberships: memberships.count,
      organizationDeletions: organizationDeletions.count,
      continues,
    };
  },
});
