/**
 * The session state rules, as pure functions. Everything the component
 * stores about a session is derived here, so the rules can be tested without a
 * database and the result depends only on the set of events delivered.
 *
 * A stored session is the merge of two things:
 * - the *winning* session event (`facts`): terminal beats non-terminal, then the
 *   larger Clerk `updated_at`, then fixed tie-breaks so that any two events
 *   compare the same way whichever arrives first;
 * - whether Clerk deleted the session's user (`userDeletion`), with the
 *   earliest deletion time heard of.
 * Status and `endedAt` are computed from those two, never stored on their own.
 */
import {
  isTerminalStatus,
  type ClerkSessionStatus,
  type SessionFacts,
} from "../shared/sessionValidators.js";

/** Clerk deleted the user; `at` is the event's timestamp when Clerk sent one. */
export type UserDeletion = { at: number | null };

export type SessionState = {
  facts: SessionFacts;
  userDeletion: UserDeletion | null;
};

/** What the store shows for a session: its status and when it ended. */
export type EffectiveState = {
  status: ClerkSessionStatus;
  endedAt: number | null;
};

/**
 * Order among statuses at the same `updated_at`. Only ever used to break
 * ties, so the order itself matters less than that it is fixed.
 */
const STATUS_PRECEDENCE: Record<ClerkSessionStatus, number> = {
  pending: 0,
  active: 1,
  expired: 2,
  abandoned: 3,
  replaced: 4,
  ended: 5,
  removed: 6,
  revoked: 7,
};

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A text form independent of key order, the last tie-break between two events. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`);
  return `{${entries.join(",")}}`;
}

/**
 * Compares two events about the same session: positive when `a` wins, negative
 * when `b` wins, 0 when they carry the same facts.
 */
export function compareFacts(a: SessionFacts, b: SessionFacts): number {
  const keys: ((f: SessionFacts) => number)[] = [
    (f) => (isTerminalStatus(f.status) ? 1 : 0),
    (f) => f.updatedAt,
    (f) => STATUS_PRECEDENCE[f.status],
    (f) => f.lastActiveAt ?? -1,
    (f) => f.expireAt ?? -1,
  ];
  for (const key of keys) {
    const order = compareNumbers(key(a), key(b));
    if (order !== 0) return order;
  }
  const textA = canonical(a);
  const textB = canonical(b);
  return textA === textB ? 0 : textA < textB ? -1 : 1;
}

/** Two deletions of the same user merge into the earliest known time. */
export function mergeUserDeletion(
  stored: UserDeletion | null,
  incoming: UserDeletion | null,
): UserDeletion | null {
  if (stored === null) return incoming;
  if (incoming === null) return stored;
  if (stored.at === null) return incoming;
  if (incoming.at === null) return stored;
  return { at: Math.min(stored.at, incoming.at) };
}

/**
 * A terminal session's status ignores user deletion, so its record of one is
 * dropped: equal states then have equal documents, and nothing is rewritten
 * for a deletion that changes nothing.
 */
function normalized(state: SessionState): SessionState {
  return isTerminalStatus(state.facts.status)
    ? { facts: state.facts, userDeletion: null }
    : state;
}

/** Folds one more piece of knowledge into a session's state. */
export function mergeSessionState(
  stored: SessionState | null,
  incoming: { facts?: SessionFacts; userDeletion?: UserDeletion | null },
): { state: SessionState; changed: boolean } {
  const incomingFacts = incoming.facts;
  if (stored === null) {
    if (incomingFacts === undefined) {
      throw new Error("A new session needs the facts of a session event");
    }
    const state = {
      facts: incomingFacts,
      userDeletion: incoming.userDeletion ?? null,
    };
    return { state: normalized(state), changed: true };
  }
  const factsWin =
    incomingFacts !== undefined &&
    compareFacts(incomingFacts, stored.facts) > 0;
  const state = normalized({
    facts: factsWin ? incomingFacts : stored.facts,
    userDeletion: mergeUserDeletion(
      stored.userDeletion,
      incoming.userDeletion ?? null,
    ),
  });
  return { state, changed: canonical(state) !== canonical(stored) };
}

/**
 * A session Clerk reported as terminal keeps that status; a live session of a
 * deleted user is `removed`, ended at the deletion time when known.
 */
export function effectiveState(state: SessionState): EffectiveState {
  const { facts, userDeletion } = state;
  if (isTerminalStatus(facts.status)) {
    return { status: facts.status, endedAt: facts.updatedAt };
  }
  if (userDeletion !== null) {
    return { status: "removed", endedAt: userDeletion.at };
  }
  return { status: facts.status, endedAt: null };
}
