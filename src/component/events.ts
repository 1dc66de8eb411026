import { v } from "convex/values";
import { mergeDeletionRecord } from "./deletionBatches.js";
import type { UserDeletion } from "./sessionState.js";
import {
  vApplyResult,
  vSessionEvent,
  type ApplyResult,
  type SessionEvent,
  type SessionChangeType,
} from "../shared/eventValidators.js";
import {
  isTerminalStatus,
  type SessionFacts,
} from "../shared/sessionValidators.js";
import { mutation, type MutationCtx } from "./_generated/server.js";
import { reportChange } from "./notify.js";
import { isBeforePruneHorizon } from "./retention.js";
import {
  findDeletedUser,
  findSession,
  findUserDeletion,
  saveSessionState,
} from "./store.js";
import { startRemovingSessionsOfUser } from "./users.js";

/**
 * Applies one verified Clerk event. The merge is a join, so a replay changes
 * nothing whatever its svix id: the answer is found by comparing the event
 * with the stored winning facts. The change and the app's `onEvent` callback
 * commit in the same transaction.
 */
export const apply = mutation({
  args: {
    event: vSessionEvent,
    /** A function handle to the app's callback mutation. */
    onEvent: v.optional(v.string()),
  },
  returns: v.object({ result: vApplyResult }),
  handler: async (ctx, args) => ({ result: await applyEvent(ctx, args) }),
});

/** The work of `events.apply`, for one verified event of either kind. */
export async function applyEvent(
  ctx: MutationCtx,
  { event, onEvent }: { event: SessionEvent; onEvent?: string },
): Promise<ApplyResult> {
  return event.kind === "session"
    ? await applySessionEvent(ctx, event.session, event.type, onEvent)
    : await applyUserDeletion(
        ctx,
        event.userId,
        { at: event.deletedAt },
        onEvent,
      );
}

/**
 * Folds what Clerk says of one session into the store, by the state rules.
 * Used by webhooks and by syncs with Clerk's API alike. A known session costs
 * one index lookup and at most one write; an unseen one the lookup of its
 * user's deletion too, and one insert.
 */
export async function applySessionEvent(
  ctx: MutationCtx,
  facts: SessionFacts,
  type: SessionChangeType,
  onEvent: string | undefined,
): Promise<ApplyResult> {
  const existing = await findSession(ctx.db, facts.sessionId);
  if (existing !== null) {
    // A stored session already carries its user's deletion, or the
    // deletion's batches will reach it.
    const { result, change } = await saveSessionState(ctx.db, existing, {
      facts,
    });
    await reportChange(ctx, onEvent, type, change);
    return result;
  }
  // A session Clerk's API reports live is live, however old; the horizon
  // only keeps pruned sessions from coming back.
  const liveFromApi = type === "clerk.sync" && !isTerminalStatus(facts.status);
  if (!liveFromApi && (await isBeforePruneHorizon(ctx, facts.updatedAt))) {
    return "stale";
  }
  const userDeletion = await findUserDeletion(ctx.db, facts.userId);
  const { result, change } = await saveSessionState(ctx.db, null, {
    facts,
    userDeletion,
  });
  await reportChange(ctx, onEvent, type, change);
  return result;
}

/** `applySessionEvent`, answering only whether the store changed. */
export async function applySessionFacts(
  ctx: MutationCtx,
  facts: SessionFacts,
  type: SessionChangeType,
  onEvent: string | undefined,
): Promise<boolean> {
  return (await applySessionEvent(ctx, facts, type, onEvent)) === "applied";
}

/**
 * Remembers the deletion (the earliest time heard of) and starts marking the
 * user's sessions `removed`. A repeat of the stored deletion is `duplicate`;
 * one that loses to a recorded deletion (a later time) is `stale`. However
 * late a deletion arrives (a Svix resend after an outage, past the prune
 * horizon), it ends the user's stored live sessions: a replay of one whose
 * record was pruned only writes the record again and finds nothing live.
 */
async function applyUserDeletion(
  ctx: MutationCtx,
  userId: string,
  deletion: UserDeletion,
  onEvent: string | undefined,
): Promise<ApplyResult> {
  const tombstone = await findDeletedUser(ctx.db, userId);
  const { merged, result } = mergeDeletionRecord(
    tombstone?.deletion ?? null,
    deletion,
  );
  if (result !== "applied") return result;
  if (tombstone === null) {
    await ctx.db.insert("deletedUsers", { userId, deletion: merged });
  } else {
    await ctx.db.patch(tombstone._id, { deletion: merged });
  }
  await startRemovingSessionsOfUser(ctx, userId, onEvent);
  return "applied";
}
