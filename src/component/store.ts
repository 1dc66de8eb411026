/**
 * Reading and writing session documents. Every write goes through
 * `saveSessionState`, so the stored status is always the one the pure rules in
 * sessionState.ts derive.
 */
import {
  effectiveState,
  mergeSessionState,
  retentionStart,
  sameCanonical,
  statusAt,
  type Incoming,
  type SessionState,
  type UserDeletion,
} from "./sessionState.js";
import type { ApplyResult } from "../shared/eventValidators.js";
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

/** The record that Clerk deleted a user, or null. */
export async function findDeletedUser(
  db: DatabaseReader,
  userId: string,
): Promise<Doc<"deletedUsers"> | null> {
  return await db
    .query("deletedUsers")
    .withIndex("by_user_id", (q) => q.eq("userId", userId))
    .unique();
}

export async function findUserDeletion(
  db: DatabaseReader,
  userId: string,
): Promise<UserDeletion | null> {
  return (await findDeletedUser(db, userId))?.deletion ?? null;
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
  return {
    facts,
    // Documents written before these fields existed: the device came with
    // the stored event.
    deviceAt: doc.deviceAt ?? (doc.device === null ? null : doc.updatedAt),
    actorAt: doc.actorAt ?? (doc.actor === null ? null : doc.updatedAt),
    userDeletion: doc.userDeletion,
  };
}

/** A session before and after a change; `before` is null for a new session. */
export type StoredChange = {
  before: StoredSession | null;
  after: StoredSession;
};

/**
 * Merges new knowledge into a session and writes it when anything changed:
 * at most one write, none when nothing changed. Returns how the knowledge was
 * classified, and the change (null when the store is unchanged).
 */
export async function saveSessionState(
  db: DatabaseWriter,
  existing: Doc<"sessions"> | null,
  incoming: Incoming,
): Promise<{ result: ApplyResult; change: StoredChange | null }> {
  const { state, changed, result } = mergeSessionState(
    existing && stateOf(existing),
    incoming,
  );
  if (!changed) return { result, change: null };
  const { status: reportedStatus, ...facts } = state.facts;
  const { status, endedAt } = effectiveState(state);
  const fields = {
    ...facts,
    reportedStatus,
    status,
    endedAt,
    userDeletion: state.userDeletion,
    deviceAt: state.deviceAt,
    actorAt: state.actorAt,
    retentionStart: retentionStart(state),
  };
  if (existing === null) {
    await db.insert("sessions", fields);
  } else {
    await db.replace(existing._id, fields);
  }
  const before = existing && toStoredSession(existing);
  const after = toStoredSession(fields);
  // A change only to bookkeeping (when a kept device was heard of) is
  // written but not reported: the record the app sees is the same.
  const visible = before === null || !sameRecord(before, after);
  return { result, change: visible ? { before, after } : null };
}

type SessionFields = Omit<Doc<"sessions">, "_id" | "_creationTime">;

function sameRecord(a: StoredSession, b: StoredSession): boolean {
  return sameCanonical(a, b);
}

/**
 * A stored session as it reads at `now`: a live session whose `expireAt` or
 * `abandonAt` has passed reads `expired` or `abandoned`, marked
 * `derivedFromTime`. With `liveToken` (a live Clerk token of this session
 * vouches for it), time is not applied: only what Clerk reported counts.
 */
export function readSession(
  doc: SessionFields,
  now: number,
  options: { liveToken?: boolean } = {},
): StoredSession {
  const stored = toStoredSession(doc);
  if (options.liveToken === true) return stored;
  const read = statusAt(doc, now);
  return read.status === doc.status
    ? stored
    : { ...stored, ...read, derivedFromTime: true };
}

/** The stored record of a session, as `onEvent` receives it. */
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
