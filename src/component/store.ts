/**
 * Reading and writing session documents. Every write goes through
 * `saveSessionState`, so the stored status is always the one the pure rules in
 * sessionState.ts derive.
 */
import {
  effectiveState,
  mergeSessionState,
  type SessionState,
  type UserDeletion,
} from "./sessionState.js";
import type {
  SessionFacts,
  StoredSession,
} from "../shared/sessionValidators.js";
import type { Doc } from "./_generated/dataModel.js";
import type { DatabaseReader, DatabaseWriter } from "./_generated/server.js";

export async function findSession(
  db: DatabaseReader,
  sessionId: string,
): Promise<Doc<"sessions"> | null> {
  return await db
    .query("sessions")
    .withIndex("by_session_id", (q) => q.eq("sessionId", sessionId))
    .unique();
}

export async function findUserDeletion(
  db: DatabaseReader,
  userId: string,
): Promise<UserDeletion | null> {
  const deleted = await db
    .query("deletedUsers")
    .withIndex("by_user_id", (q) => q.eq("userId", userId))
    .unique();
  return deleted?.deletion ?? null;
}

export function stateOf(doc: Doc<"sessions">): SessionState {
  const facts: SessionFacts = {
    sessionId: doc.sessionId,
    userId: doc.userId,
    clientId: doc.clientId,
    status: doc.reportedStatus,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    lastActiveAt: doc.lastActiveAt,
    expireAt: doc.expireAt,
    abandonAt: doc.abandonAt,
    device: doc.device,
    actor: doc.actor,
  };
  return { facts, userDeletion: doc.userDeletion };
}

/** A session before and after a change; `before` is null for a new session. */
export type StoredChange = {
  before: StoredSession | null;
  after: StoredSession;
};

/**
 * Merges new knowledge into a session and writes it when anything changed.
 * Returns the change, or null when the store is unchanged.
 */
export async function saveSessionState(
  db: DatabaseWriter,
  existing: Doc<"sessions"> | null,
  incoming: { facts?: SessionFacts; userDeletion?: UserDeletion | null },
): Promise<StoredChange | null> {
  const { state, changed } = mergeSessionState(
    existing && stateOf(existing),
    incoming,
  );
  if (!changed) return null;
  const { status: reportedStatus, ...facts } = state.facts;
  const { status, endedAt } = effectiveState(state);
  const fields = {
    ...facts,
    reportedStatus,
    status,
    endedAt,
    userDeletion: state.userDeletion,
  };
  if (existing === null) {
    await db.insert("sessions", fields);
  } else {
    await db.replace(existing._id, fields);
  }
  return {
    before: existing && toStoredSession(existing),
    after: toStoredSession(fields),
  };
}

type SessionFields = Omit<Doc<"sessions">, "_id" | "_creationTime">;

/** The public view of a stored session. */
export function toStoredSession(doc: SessionFields): StoredSession {
  return {
    sessionId: doc.sessionId,
    userId: doc.userId,
    clientId: doc.clientId,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    lastActiveAt: doc.lastActiveAt,
    expireAt: doc.expireAt,
    abandonAt: doc.abandonAt,
    endedAt: doc.endedAt,
    device: doc.device,
    actor: doc.actor,
  };
}
