/**
 * The session state rules, as pure functions. Everything the component
 * stores about a session is derived here, so the rules can be tested without a
 * database and the result depends only on the set of events delivered.
 *
 * A stored session is the join of independent parts, each a maximum under a
 * fixed order, so merging is idempotent, commutative and associative:
 * - the *winning* session event (`facts`): terminal beats non-terminal, then the
 *   larger Clerk `updated_at`, then fixed tie-breaks so that any two events
 *   compare the same way whichever arrives first;
 * - the device and the actor, each from the latest event that carries one
 *   (an end event often has none);
 * - whether Clerk deleted the session's user (`userDeletion`), with the
 *   earliest deletion time heard of.
 * The owner is outside the join: the user first recorded for a session stays,
 * and an event naming another user changes nothing.
 * Status and `endedAt` are computed from those parts, never stored on their
 * own; expiry by time is applied when a status is read (`statusAt`).
 */
import {
  isTerminalStatus,
  type Actor,
  type ClerkSessionStatus,
  type Device,
  type SessionFacts,
} from "../shared/sessionValidators.js";
import type { ApplyResult } from "../shared/eventValidators.js";

/** Clerk deleted the user; `at` is the event's timestamp when Clerk sent one. */
export type UserDeletion = { at: number | null };

export type SessionState = {
  /** The winning event's facts; `device` and `actor` are the kept ones. */
  facts: SessionFacts;
  /** `updated_at` of the event the kept device came from. */
  deviceAt: number | null;
  /** `updated_at` of the event the kept actor came from. */
  actorAt: number | null;
  userDeletion: UserDeletion | null;
};

/** What the store shows for a session: its status and when it ended. */
export type EffectiveState = {
  status: ClerkSessionStatus;
  endedAt: number | null;
};

/** New knowledge about a session: one event's facts, or its user's deletion. */
export type Incoming = {
  facts?: SessionFacts;
  userDeletion?: UserDeletion | null;
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

function compareText(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** A text form independent of key order, the last tie-break between two events. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>)
    .sort(([a], [b]) => compareText(a, b))
    .map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`);
  return `{${entries.join(",")}}`;
}

/**
 * Whether `canonical(a) === canonical(b)`, without building either text:
 * most comparisons are of equal states (a replay, an unchanged record), and
 * the walk stops at the first difference.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    a === null ||
    b === null ||
    typeof a !== "object" ||
    typeof b !== "object"
  )
    return JSON.stringify(a) === JSON.stringify(b);
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every(
    (key) =>
      Object.prototype.hasOwnProperty.call(right, key) &&
      sameCanonical(left[key], right[key]),
  );
}

/** `canonical` order, answering 0 for equal values without building text. */
export function compareCanonical(a: unknown, b: unknown): number {
  return sameCanonical(a, b) ? 0 : compareText(canonical(a), canonical(b));
}

/** The facts that decide the winning event: all but device and actor. */
function core(facts: SessionFacts): Omit<SessionFacts, "device" | "actor"> {
  const { device, actor, ...rest } = facts;
  void device;
  void actor;
  return rest;
}

/**
 * Compares two events about the same session: positive when `a` wins, negative
 * when `b` wins, 0 when they carry the same facts (device and actor aside,
 * which are kept on their own).
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
  return compareCanonical(core(a), core(b));
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

type Kept<T> = { value: T | null; at: number | null };

/** The value of the latest event that carries one; content breaks a tie. */
function keepLatest<T>(stored: Kept<T>, incoming: Kept<T>): Kept<T> {
  if (incoming.value === null || incoming.at === null) return stored;
  if (stored.value === null || stored.at === null) return incoming;
  const order =
    compareNumbers(incoming.at, stored.at) ||
    compareCanonical(incoming.value, stored.value);
  return order > 0 ? incoming : stored;
}

/**
 * A terminal session's status ignores user deletion, so its record of one is
 * dropped: equal states then have equal documents, and nothing is rewritten
 * for a deletion that changes nothing.
 */
function normalized(state: SessionState): SessionState {
  return isTerminalStatus(state.facts.status)
    ? { ...state, userDeletion: null }
    : state;
}

/** The state a session's first event gives it. */
function initialState(
  facts: SessionFacts,
  userDeletion: UserDeletion | null,
): SessionState {
  return normalized({
    facts,
    deviceAt: facts.device === null ? null : facts.updatedAt,
    actorAt: facts.actor === null ? null : facts.updatedAt,
    userDeletion,
  });
}

/**
 * Folds one more piece of knowledge into a session's state, and says what it
 * did: `applied` (the state changed), `duplicate` (the event equals what is
 * stored), `stale` (it loses) or `ignored` (it names another owner).
 */
export function mergeSessionState(
  stored: SessionState | null,
  incoming: Incoming,
): { state: SessionState; changed: boolean; result: ApplyResult } {
  const incomingFacts = incoming.facts;
  if (stored === null) {
    if (incomingFacts === undefined) {
      throw new Error("A new session needs the facts of a session event");
    }
    const state = initialState(incomingFacts, incoming.userDeletion ?? null);
    return { state, changed: true, result: "applied" };
  }
  if (
    incomingFacts !== undefined &&
    incomingFacts.userId !== stored.facts.userId
  ) {
    return { state: stored, changed: false, result: "ignored" };
  }
  const order =
    incomingFacts === undefined
      ? -1
      : compareFacts(incomingFacts, stored.facts);
  const winner = order > 0 && incomingFacts ? incomingFacts : stored.facts;
  const device = keepLatest<Device>(
    { value: stored.facts.device, at: stored.deviceAt },
    {
      value: incomingFacts?.device ?? null,
      at: incomingFacts?.updatedAt ?? null,
    },
  );
  const actor = keepLatest<Actor>(
    { value: stored.facts.actor, at: stored.actorAt },
    {
      value: incomingFacts?.actor ?? null,
      at: incomingFacts?.updatedAt ?? null,
    },
  );
  const state = normalized({
    facts: { ...winner, device: device.value, actor: actor.value },
    deviceAt: device.at,
    actorAt: actor.at,
    userDeletion: mergeUserDeletion(
      stored.userDeletion,
      incoming.userDeletion ?? null,
    ),
  });
  const changed = !sameCanonical(state, stored);
  const result: ApplyResult = changed
    ? "applied"
    : order === 0 || incomingFacts === undefined
      ? "duplicate"
      : "stale";
  return { state, changed, result };
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

/**
 * The status a stored session reads at `now`. Clerk sends no webhook when a
 * session expires or is abandoned, so a live session whose `expireAt` (or
 * `abandonAt`) has passed reads `expired` (or `abandoned`), ended then; the
 * earlier of the two when both have passed.
 */
export function statusAt(
  stored: EffectiveState & {
    expireAt: number | null;
    abandonAt: number | null;
  },
  now: number,
): EffectiveState {
  if (isTerminalStatus(stored.status)) {
    return { status: stored.status, endedAt: stored.endedAt };
  }
  const passed = [
    { status: "expired" as const, at: stored.expireAt },
    { status: "abandoned" as const, at: stored.abandonAt },
  ].filter(
    (end): end is { status: "expired" | "abandoned"; at: number } =>
      end.at !== null && end.at <= now,
  );
  const first = passed.sort((a, b) => a.at - b.at)[0];
  return first === undefined
    ? { status: stored.status, endedAt: stored.endedAt }
    : { status: first.status, endedAt: first.at };
}

/**
 * When a session's retention starts counting: when it ended or, for a live
 * session, when Clerk will expire or abandon it (the earlier), but never
 * before the latest event heard of, so that once it is pruned every event
 * about it is older than the prune horizon. Null for a live session with no
 * known end: it is kept.
 */
export function retentionStart(state: SessionState): number | null {
  const { facts } = state;
  const { status, endedAt } = effectiveState(state);
  const ends = isTerminalStatus(status)
    ? [endedAt ?? facts.updatedAt]
    : [facts.expireAt, facts.abandonAt].filter((at) => at !== null);
  if (ends.length === 0) return null;
  return Math.max(
    Math.min(...ends),
    facts.updatedAt,
    state.deviceAt ?? facts.updatedAt,
    state.actorAt ?? facts.updatedAt,
  );
}
