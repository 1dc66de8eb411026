/**
 * Clerk organization memberships as the component stores them: the event
 * the webhook route (or a sync) hands the component, the stored record, the
 * change reported to `onEvent`, and what the verifier reads.
 */
import { v, type Infer, type ObjectType } from "convex/values";

/** Clerk webhook types about one membership, most frequent first. */
export const MEMBERSHIP_EVENT_TYPES = [
  "organizationMembership.created",
  "organizationMembership.updated",
  "organizationMembership.deleted",
] as const;
export type MembershipEventType = (typeof MEMBERSHIP_EVENT_TYPES)[number];

/** `deleted` once Clerk deleted the membership or its organization; never undone. */
export const vMembershipStatus = v.union(
  v.literal("active"),
  v.literal("deleted"),
);
export type MembershipStatus = Infer<typeof vMembershipStatus>;

/** Which membership, of whom, in which organization: fixed once recorded. */
const membershipIdentity = {
  membershipId: v.string(),
  organizationId: v.string(),
  userId: v.string(),
};

/** What the member may do, and Clerk's timestamps for the membership (ms). */
const membershipGrant = {
  /** Clerk's role key, e.g. `org:admin`. */
  role: v.string(),
  /** Clerk's permission keys, e.g. `org:posts:write`; stored sorted, without repeats. */
  permissions: v.array(v.string()),
  createdAt: v.union(v.number(), v.null()),
  updatedAt: v.number(),
};

/** The facts one Clerk membership event carries, in the component's shape. */
export const vMembershipFacts = v.object({
  ...membershipIdentity,
  ...membershipGrant,
});
export type MembershipFacts = Infer<typeof vMembershipFacts>;

/**
 * A verified membership webhook, reduced to what the component stores.
 * A deletion carries Clerk's time of the event (the envelope's `timestamp`,
 * in ms, null when absent): the payload's `updated_at` is the membership's
 * last change, not its deletion.
 */
export const vMembershipEvent = v.union(
  v.object({
    kind: v.literal("membership"),
    type: v.union(
      v.literal("organizationMembership.created"),
      v.literal("organizationMembership.updated"),
    ),
    membership: vMembershipFacts,
  }),
  v.object({
    kind: v.literal("membership"),
    type: v.literal("organizationMembership.deleted"),
    membership: vMembershipFacts,
    deletedAt: v.union(v.number(), v.null()),
  }),
  v.object({
    kind: v.literal("organization.deleted"),
    organizationId: v.string(),
    deletedAt: v.union(v.number(), v.null()),
  }),
);
export type MembershipEvent = Infer<typeof vMembershipEvent>;

/** A stored membership as the component hands it out. */
export const vStoredMembership = v.object({
  ...membershipIdentity,
  status: vMembershipStatus,
  ...membershipGrant,
  /** When Clerk deleted the membership (or its organization); null while active or when unknown. */
  deletedAt: v.union(v.number(), v.null()),
});
export type StoredMembership = Infer<typeof vStoredMembership>;

/** What changed for the app: a new member, a new role or permissions, a removal. */
export const MEMBERSHIP_CHANGE_TYPES = [
  "membership.created",
  "membership.role_changed",
  "membership.removed",
] as const;
export const vMembershipChangeType = v.union(
  ...MEMBERSHIP_CHANGE_TYPES.map((type) => v.literal(type)),
);
export type MembershipChangeType = Infer<typeof vMembershipChangeType>;

/** The webhook that caused a membership change. */
export const vMembershipChangeCause = v.union(
  ...MEMBERSHIP_EVENT_TYPES.map((type) => v.literal(type)),
  v.literal("organization.deleted"),
);
export type MembershipChangeCause = Infer<typeof vMembershipChangeCause>;

/** The arguments of a membership change passed to the app's `onEvent`. */
export const vMembershipChange = {
  type: vMembershipChangeType,
  cause: vMembershipChangeCause,
  before: v.union(vStoredMembership, v.null()),
  after: vStoredMembership,
};
export type MembershipChangeArgs = ObjectType<typeof vMembershipChange>;

/**
 * `memberships.forToken`: what the verifier needs of the membership a
 * token's organization claims name. Null when the store knows nothing of it.
 */
export const vMembershipForToken = v.union(
  v.null(),
  v.object({
    status: v.literal("active"),
    role: v.string(),
    permissions: v.array(v.string()),
    updatedAt: v.number(),
  }),
  v.object({
    status: v.literal("deleted"),
    deletedAt: v.union(v.number(), v.null()),
  }),
);
export type MembershipForToken = Infer<typeof vMembershipForToken>;
