import {
  paginationOptsValidator,
  paginationResultValidator,
} from "convex/server";
import { v } from "convex/values";
import {
  isTerminalStatus,
  vClerkSessionStatus,
  vStoredSession,
} from "../shared/sessionValidators.js";
import { query } from "./_generated/server.js";
import { statusAt } from "./sessionState.js";
import { findSession, findUserDeletion, readSession } from "./store.js";
import { cappedPage } from "../shared/limits.js";

/**
 * One session by its Clerk id as it reads now (a live session past its
 * `expireAt` reads `expired`, marked `derivedFromTime`), or null when nothing
 * reported it.
 */
export const get = query({
  args: {
    sessionId: v.string(),
    /**
     * A live Clerk token of this session vouches for it (its `sts` is active
     * or pending): a passed `expireAt` / `abandonAt` is not applied.
     */
    liveToken: v.optional(v.boolean()),
  },
  returns: v.union(vStoredSession, v.null()),
  handler: async (ctx, { sessionId, liveToken }) => {
    const doc = await findSession(ctx.db, sessionId);
    return doc && readSession(doc, Date.now(), { liveToken });
  },
});

/**
 * What the verifier needs of a token's session, and no more (it runs on
 * every request of a checked function): its owner, the status Clerk reported
 * (or `removed` by the user's deletion), whether its stored lifetime has
 * passed (`lapsed`: the verifier decides, since a live token outranks it),
 * whether it is impersonated, and, unless Clerk reported it ended, whether
 * Clerk deleted the token's user. The deletion's batches may not have reached
 * a live session yet, so the user's deletion record is read too: two lookups,
 * one for a session Clerk reported ended.
 */
export const forToken = query({
  args: {
    /** Null for a token without a `sid` claim: only the deletion is looked up. */
    sessionId: v.union(v.string(), v.null()),
    userId: v.string(),
  },
  returns: v.object({
    session: v.union(
      v.object({
        userId: v.string(),
        status: vClerkSessionStatus,
        lapsed: v.union(v.null(), v.literal("expired"), v.literal("abandoned")),
        impersonated: v.boolean(),
      }),
      v.null(),
    ),
    userDeleted: v.boolean(),
  }),
  handler: async (ctx, { sessionId, userId }) => {
    const doc =
      sessionId === null ? null : await findSession(ctx.db, sessionId);
    const session = doc && {
      userId: doc.userId,
      status: doc.status,
      lapsed: lapsedBy(doc, Date.now()),
      impersonated: doc.actor !== null,
    };
    if (session !== null && isTerminalStatus(session.status)) {
      return { session, userDeleted: false };
    }
    // A live session of a deleted user may not have been reached by the
    // deletion's batches yet: the user's deletion record decides.
    const deletion = await findUserDeletion(ctx.db, userId);
    return { session, userDeleted: deletion !== null };
  },
});

/** `expired` or `abandoned` when time alone ends a live session now, else null. */
function lapsedBy(
  doc: Parameters<typeof statusAt>[0],
  now: number,
): "expired" | "abandoned" | null {
  const { status } = statusAt(doc, now);
  return status === doc.status
    ? null
    : status === "abandoned"
      ? "abandoned"
      : "expired";
}

/**
 * A user's sessions, newest first by Clerk's `created_at` (sessions without
 * one last). With `status`, a page keeps the matching sessions among the
 * `numItems` read, so it may be short, or empty before `isDone`: each page
 * reads a bounded number of documents (`numItems`, at most `MAX_PAGE_SIZE`),
 * and the status matched is the one read (expiry included).
 */
export const listByUser = query({
  args: {
    userId: v.string(),
    status: v.optional(vClerkSessionStatus),
    paginationOpts: paginationOptsValidator,
  },
  returns: paginationResultValidator(vStoredSession),
  handler: async (ctx, { userId, status, paginationOpts }) => {
    const page = await ctx.db
      .query("sessions")
      .withIndex("by_user_id_and_created_at", (q) => q.eq("userId", userId))
      .order("desc")
      .paginate(cappedPage(paginationOpts));
    const now = Date.now();
    const sessions = page.page.map((doc) => readSession(doc, now));
    return {
      ...page,
      page:
        status === undefined
          ? sessions
          : sessions.filter((session) => session.status === status),
    };
  },
});
