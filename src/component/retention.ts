/**
 * Pruning of ended sessions, deleted-user tombstones and applied message ids,
 * in bounded batches that schedule their own continuation.
 */
import { v } from "convex/values";
import { api } from "./_generated/api.js";
import { vPruneResult } from "../shared/resultValidators.js";
import { mutation, type MutationCtx } from "./_generated/server.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * Svix retries a message for about 28 hours; message ids are kept 3 days so
 * a redelivery is always recognised.
 */
export const DEFAULT_MESSAGE_RETENTION_MS = 3 * DAY;
/** The shortest message retention accepted: Svix's retry window plus margin. */
export const MIN_MESSAGE_RETENTION_MS = 36 * HOUR;
/** Ended sessions stay readable for 30 days by default. */
export const DEFAULT_SESSION_RETENTION_MS = 30 * DAY;
/** Documents deleted per table per transaction. */
export const PRUNE_BATCH_SIZE = 200;

export async function findPruneHorizon(ctx: Pick<MutationCtx, "db">) {
  return await ctx.db.query("pruneHorizon").first();
}

async function raiseHorizon(ctx: MutationCtx, prunedBefore: number) {
  const horizon = await findPruneHorizon(ctx);
  if (horizon === null) {
    await ctx.db.insert("pruneHorizon", { prunedBefore });
  } else if (horizon.prunedBefore < prunedBefore) {
    await ctx.db.patch(horizon._id, { prunedBefore });
  }
}

async function pruneSessions(
  ctx: MutationCtx,
  before: number,
): Promise<number> {
  const ended = await ctx.db
    .query("sessions")
    .withIndex("by_ended_at", (q) => q.gte("endedAt", 0).lt("endedAt", before))
    .take(PRUNE_BATCH_SIZE);
  // Sessions Clerk let expire never get an end webhook; their expiry ends them.
  const expired = await ctx.db
    .query("sessions")
    .withIndex("by_expire_at", (q) =>
      q.gte("expireAt", 0).lt("expireAt", before),
    )
    .take(PRUNE_BATCH_SIZE - ended.length);
  const ids = new Set([...ended, ...expired].map((doc) => doc._id));
  for (const id of ids) await ctx.db.delete(id);
  return ids.size;
}

async function pruneDeletedUsers(
  ctx: MutationCtx,
  before: number,
): Promise<number> {
  const old = await ctx.db
    .query("deletedUsers")
    .withIndex("by_creation_time", (q) => q.lt("_creationTime", before))
    .take(PRUNE_BATCH_SIZE);
  for (const doc of old) await ctx.db.delete(doc._id);
  return old.length;
}

async function pruneMessages(
  ctx: MutationCtx,
  before: number,
): Promise<number> {
  const old = await ctx.db
    .query("appliedMessages")
    .withIndex("by_applied_at", (q) => q.lt("appliedAt", before))
    .take(PRUNE_BATCH_SIZE);
  for (const doc of old) await ctx.db.delete(doc._id);
  return old.length;
}

/**
 * Deletes what is older than the retention periods, one batch per table, and
 * schedules itself again while any table had a full batch.
 */
export const prune = mutation({
  args: {
    sessionRetentionMs: v.optional(v.number()),
    messageRetentionMs: v.optional(v.number()),
  },
  returns: vPruneResult,
  handler: async (ctx, args) => {
    const sessionRetentionMs =
      args.sessionRetentionMs ?? DEFAULT_SESSION_RETENTION_MS;
    const messageRetentionMs =
      args.messageRetentionMs ?? DEFAULT_MESSAGE_RETENTION_MS;
    if (!(messageRetentionMs >= MIN_MESSAGE_RETENTION_MS)) {
      throw new Error(
        `messageRetentionMs must be at least ${MIN_MESSAGE_RETENTION_MS} (36 hours), to outlast Svix's retries`,
      );
    }
    if (!(sessionRetentionMs >= messageRetentionMs)) {
      throw new Error("sessionRetentionMs must be at least messageRetentionMs");
    }
    const now = Date.now();
    const sessionsBefore = now - sessionRetentionMs;
    await raiseHorizon(ctx, sessionsBefore);
    const result = {
      sessions: await pruneSessions(ctx, sessionsBefore),
      deletedUsers: await pruneDeletedUsers(ctx, sessionsBefore),
      messages: await pruneMessages(ctx, now - messageRetentionMs),
    };
    const continues = Object.values(result).some(
      (count) => count >= PRUNE_BATCH_SIZE,
    );
    if (continues) {
      await ctx.scheduler.runAfter(0, api.retention.prune, args);
    }
    return { ...result, continues };
  },
});
