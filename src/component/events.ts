import { v } from "convex/values";
import { mergeUserDeletion } from "./sessionState.js";
import {
  vApplyResult,
  vSessionEvent,
  type ApplyResult,
  type SessionChangeType,
  type SessionEvent,
} from "../shared/eventValidators.js";
import {
  isTerminalStatus,
  type SessionFacts,
} from "../shared/sessionValidators.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { reportChange } from "./notify.js";
import { findPruneHorizon, MIN_MESSAGE_RETENTION_MS } from "./retention.js";
import { findSession, findUserDeletion, saveSessionState } from "./store.js";
import { markSessionsOfDeletedUserPage } from "./users.js";

/**
 * Applies one verified Clerk event, at most once per svix message id: the
 * dedupe record, the state change and the app's `onEvent` callback commit in
 * the same transaction.
 */
export const apply = mutation({
  args: {
    svixId: v.string(),
    event: vSessionEvent,
    /** A function handle to the app's callback mutation. */
    onEvent: v.optional(v.string()),
  },
  returns: v.object({ result: vApplyResult }),
  handler: async (ctx, { svixId, event, onEvent }) => {
    if (svixId.length === 0) throw new Error("svixId must not be empty");
    const seen = await ctx.db
      .query("appliedMessages")
      .withIndex("by_svix_id", (q) => q.eq("svixId", svixId))
      .unique();
    if (seen !== null) return { result: "duplicate" as const };
    const changed = await applyEvent(ctx, event, onEvent);
    await ctx.db.insert("appliedMessages", { svixId, appliedAt: Date.now() });
    const result: ApplyResult = changed ? "applied" : "stale";
    return { result };
  },
});

/**
 * An unknown session older than the prune horizon may be one that was pruned:
 * a replay of its events must not bring it back. The horizon is never later
 * than the shortest retention allows, so fresh events skip the lookup.
 */
async function isBeforePruneHorizon(ctx: MutationCtx, updatedAt: number) {
  if (updatedAt >= Date.now() - MIN_MESSAGE_RETENTION_MS) return false;
  const horizon = await findPruneHorizon(ctx);
  return horizon !== null && updatedAt < horizon.prunedBefore;
}

/**
 * Folds what Clerk says of one session into the store, by the state rules.
 * Used by webhooks and by syncs with Clerk's API alike.
 */
export async function applySessionFacts(
  ctx: MutationCtx,
  facts: SessionFacts,
  type: SessionChangeType,
  onEvent: string | undefined,
): Promise<boolean> {
  const existing = await findSession(ctx.db, facts.sessionId);
  if (existing !== null) {
    // A stored session already carries its user's deletion, or the
    // deletion's batches will reach it.
    const change = await saveSessionState(ctx.db, existing, { facts });
    return await reportChange(ctx, onEvent, type, change);
  }
  // Clerk's API speaks of the present: a session it reports live is live,
  // however old its `updated_at`. Only terminal facts could be pruned replays.
  const liveFromApi = type === "clerk.sync" && !isTerminalStatus(facts.status);
  if (!liveFromApi && (await isBeforePruneHorizon(ctx, facts.updatedAt)))
    return false;
  const userDeletion = await findUserDeletion(ctx.db, facts.userId);
  const change = await saveSessionState(ctx.db, null, { facts, userDeletion });
  return await reportChange(ctx, onEvent, type, change);
}

async function applyEvent(
  ctx: MutationCtx,
  event: SessionEvent,
  onEvent: string | undefined,
): Promise<boolean> {
  if (event.kind === "session") {
    return await applySessionFacts(ctx, event.session, event.type, onEvent);
  }
  const deletion = { at: event.deletedAt };
  const tombstone = await ctx.db
    .query("deletedUsers")
    .withIndex("by_user_id", (q) => q.eq("userId", event.userId))
    .unique();
  const merged =
    mergeUserDeletion(tombstone?.deletion ?? null, deletion) ?? deletion;
  if (tombstone === null) {
    await ctx.db.insert("deletedUsers", {
      userId: event.userId,
      deletion: merged,
    });
  } else if (tombstone.deletion.at !== merged.at) {
    await ctx.db.patch(tombstone._id, { deletion: merged });
  } else {
    return false;
  }
  await markSessionsOfDeletedUserPage(ctx, event.userId, null, onEvent);
  return true;
}
