/**
 * The membership state rules, as pure functions, so they are tested without
 * a database and the result depends only on the set of events delivered.
 *
 * A stored membership is the join of two independent parts, each a maximum
 * under a fixed order, so merging is idempotent, commutative and associative:
 * - the *winning* membership event (`reported`): a deletion beats any event
 *   of a live membership whatever the timestamps (deletion is sticky), then
 *   the larger Clerk `updated_at`, then the event's content, so two events
 *   compare the same way whichever arrives first;
 * - whether Clerk deleted the membership's organization, with the earliest
 *   deletion time heard of.
 * The membership's user and organization are outside the join: the first
 * recorded stay, and an event naming others changes nothing.
 */
import type { ApplyResult } from "../shared/eventValidators.js";
import type {
  MembershipChangeType,
  MembershipFacts,
  MembershipStatus,
  StoredMembership,
} from "../shared/membershipValidators.js";
import {
  compareCanonical,
  mergeUserDeletion,
  sameCanonical,
} from "./sessionState.js";

/** Clerk deleted the organization; `at` is the event's time when Clerk sent one. */
export type OrganizationDeletion = { at: number | null };

/** What one Clerk event says of a membership: live, or deleted (and when). */
export type MembershipReport = MembershipFacts & {
  status: MembershipStatus;
  /** The deletion event's time; null for a live membership, or when Clerk sent none. */
  deletedAt: number | null;
};

export type MembershipState = {
  /** The winning event. */
  reported: MembershipReport;
  /** Null when the organization lives, or the membership itself was deleted. */
  organizationDeletion: OrganizationDeletion | null;
};

/** New knowledge about a membership: one event, or its organization's deletion. */
export type MembershipIncoming = {
  report?: MembershipReport;
  organizationDeletion?: OrganizationDeletion | null;
};

/** Permissions as a set: sorted, without repeats, so their order in a payload never matters. */
export function normalizedPermissions(
  permissions: readonly string[],
): string[] {
  return [...new Set(permissions)].sort();
}

/**
 * The report of one Clerk event: `deletion` is null for `created` and
 * `updated`, and carries the event's time for `deleted`.
 */
export function membershipReport(
  facts: MembershipFacts,
  deletion: { deletedAt: number | null } | null,
): MembershipReport {
  return {
    ...facts,
    permissions: normalizedPermissions(facts.permissions),
    status: deletion === null ? "active" : "deleted",
    deletedAt: deletion?.deletedAt ?? null,
  };
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares two events about the same membership: positive when `a` wins,
 * negative when `b` wins, 0 when they carry the same facts.
 */
export function compareReports(
  a: MembershipReport,
  b: MembershipReport,
): number {
  return (
    compareNumbers(
      a.status === "deleted" ? 1 : 0,
      b.status === "deleted" ? 1 : 0,
    ) ||
    compareNumbers(a.updatedAt, b.updatedAt) ||
    compareCanonical(a, b)
  );
}

/**
 * A deleted membership's status ignores its organization's deletion, so the
 * record of one is dropped: equal states then have equal documents, and the
 * organization's batches rewrite nothing that is already deleted.
 */
function normalized(state: MembershipState): MembershipState {
  return state.reported.status === "deleted"
    ? { ...state, organizationDeletion: null }
    : state;
}

function sameMember(a: MembershipFacts, b: MembershipFacts): boolean {
  return a.userId === b.userId && a.organizationId === b.organizationId;
}

/**
 * Folds one more piece of knowledge into a membership's state, and says what
 * it did: `applied` (the state changed), `duplicate` (the event equals what
 * is stored), `stale` (it loses) or `ignored` (it names another user or
 * organization than the stored membership).
 */
export function mergeMembershipState(
  stored: MembershipState | null,
  incoming: MembershipIncoming,
): { state: MembershipState; changed: boolean; result: ApplyResult } {
  const { report } = incoming;
  const organizationDeletion = incoming.organizationDeletion ?? null;
  if (stored === null) {
    if (report === undefined) {
      throw new Error("A new membership needs the facts of a membership event");
    }
    const state = normalized({ reported: report, organizationDeletion });
    return { state, changed: true, result: "applied" };
  }
  if (report !== undefined && !sameMember(report, stored.reported)) {
    return { state: stored, changed: false, result: "ignored" };
  }
  const order =
    report === undefined ? -1 : compareReports(report, stored.reported);
  const state = normalized({
    reported: order > 0 && report ? report : stored.reported,
    organizationDeletion: mergeUserDeletion(
      stored.organizationDeletion,
      organizationDeletion,
    ),
  });
  const changed = !sameCanonical(state, stored);
  const result: ApplyResult = changed
    ? "applied"
    : order === 0 || report === undefined
      ? "duplicate"
      : "stale";
  return { state, changed, result };
}

/** The membership as the store shows it: deleted once it or its organization was. */
export function effectiveMembership(state: MembershipState): StoredMembership {
  const { reported, organizationDeletion } = state;
  const { status, deletedAt, ...facts } = reported;
  if (status === "deleted") return { ...facts, status, deletedAt };
  if (organizationDeletion !== null) {
    return { ...facts, status: "deleted", deletedAt: organizationDeletion.at };
  }
  return { ...facts, status: "active", deletedAt: null };
}

/**
 * When a deleted membership's retention starts counting: its deletion, never
 * before the latest event heard of, so that once it is pruned every event
 * about it is older than the prune horizon. Null while it is active: kept.
 */
export function membershipRetentionStart(
  state: MembershipState,
): number | null {
  const { status, deletedAt, updatedAt } = effectiveMembership(state);
  if (status === "active") return null;
  return Math.max(deletedAt ?? updatedAt, updatedAt);
}

/**
 * The kind of change from `before` to `after`, as `onEvent` reports it; null
 * when nothing an app acts on changed (only `updated_at`, or a membership
 * already deleted).
 */
export function membershipChangeType(
  before: StoredMembership | null,
  after: StoredMembership,
): MembershipChangeType | null {
  if (before === null) {
    return after.status === "active"
      ? "membership.created"
      : "membership.removed";
  }
  if (before.status === "deleted") return null;
  if (after.status === "deleted") return "membership.removed";
  const sameGrant =
    before.role === after.role &&
    sameCanonical(before.permissions, after.permissions);
  return sameGrant ? null : "membership.role_changed";
}
