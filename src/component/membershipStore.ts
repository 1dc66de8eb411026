/**
 * Reading and writing membership documents. Every write goes through
 * `saveMembershipState`, so the stored status is always the one the pure
 * rules in membershipState.ts derive.
 */
import type { ApplyResult } from "../shared/eventValidators.js";
import type {
  MembershipChangeType,
  StoredMembership,
} from "../shared/membershipValidators.js";
import {
  effectiveMembership,
  membershipChangeType,
  membershipRetentionStart,
  mergeMembershipState,
  type MembershipIncoming,
  type MembershipState,
  type OrganizationDeletion,
} from "./membershipState.js";
import type { Doc } from "./_generated/dataModel.js";
import type { DatabaseReader, DatabaseWriter } from "./_generated/server.js";

export async function findMembership(
  db: DatabaseReader,
  membershipId: string,
): Promise<Doc<"memberships"> | null> {
  return await db
    .query("memberships")
    .withIndex("by_membership_id", (q) => q.eq("membershipId", membershipId))
    .unique();
}

/**
 * A user's newest membership in an organization (by Clerk's `created_at`):
 * one who was removed and invited again has a new membership, and only the
 * newest speaks for them. One index lookup.
 */
export async function findNewestMembership(
  db: DatabaseReader,
  organizationId: string,
  userId: string,
): Promise<Doc<"memberships"> | null> {
  return await db
    .query("memberships")
    .withIndex("by_organization_id_and_user_id_and_created_at", (q) =>
      q.eq("organizationId", organizationId).eq("userId", userId),
    )
    .order("desc")
    .first();
}

/** The record that Clerk deleted an organization, or null. */
export async function findDeletedOrganization(
  db: DatabaseReader,
  organizationId: string,
): Promise<Doc<"organizationDeletions"> | null> {
  return await db
    .query("organizationDeletions")
    .withIndex("by_organization_id", (q) =>
      q.eq("organizationId", organizationId),
    )
    .unique();
}

export async function findOrganizationDeletion(
  db: DatabaseReader,
  organizationId: string,
): Promise<OrganizationDeletion | null> {
  return (await findDeletedOrganization(db, organizationId))?.deletion ?? null;
}

type MembershipFields = Omit<Doc<"memberships">, "_id" | "_creationTime">;

export function membershipStateOf(doc: MembershipFields): MembershipState {
  return {
    reported: {
      membershipId: doc.membershipId,
      organizationId: doc.organizationId,
      userId: doc.userId,
      role: doc.role,
      permissions: doc.permissions,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      status: doc.reportedStatus,
      deletedAt: doc.reportedDeletedAt,
    },
    organizationDeletion: doc.organizationDeletion,
  };
}

/** The stored record of a membership, as `onEvent` and `memberships.get` hand it out. */
export function toStoredMembership(doc: MembershipFields): StoredMembership {
  return effectiveMembership(membershipStateOf(doc));
}

/** A membership before and after a change, and what kind of change it is. */
export type MembershipStoredChange = {
  type: MembershipChangeType;
  before: StoredMembership | null;
  after: StoredMembership;
};

/**
 * Merges new knowledge into a membership and writes it when anything
 * changed: at most one write, none when nothing changed. Returns how the
 * knowledge was classified, and the change an app acts on (null when the
 * store is unchanged, or only `updated_at` moved).
 */
export async function saveMembershipState(
  db: DatabaseWriter,
  existing: Doc<"memberships"> | null,
  incoming: MembershipIncoming,
): Promise<{ result: ApplyResult; change: MembershipStoredChange | null }> {
  const { state, changed, result } = mergeMembershipState(
    existing && membershipStateOf(existing),
    incoming,
  );
  if (!changed) return { result, change: null };
  const after = effectiveMembership(state);
  const fields: MembershipFields = {
    ...after,
    reportedStatus: state.reported.status,
    reportedDeletedAt: state.reported.deletedAt,
    organizationDeletion: state.organizationDeletion,
    retentionStart: membershipRetentionStart(state),
  };
  if (existing === null) {
    await db.insert("memberships", fields);
  } else {
    await db.replace(existing._id, fields);
  }
  const before = existing && toStoredMembership(existing);
  const type = membershipChangeType(before, after);
  return { result, change: type === null ? null : { type, before, after } };
}
