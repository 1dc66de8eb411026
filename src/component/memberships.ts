/**
 * Organization memberships: one verified Clerk event in, by the state rules
 * of membershipState.ts, and the reads of a stored membership.
 */
import { v } from "convex/values";
import { vApplyResult, type ApplyResult } from "../shared/eventValidators.js";
import {
  vMembershipEvent,
  vMembershipForToken,
  vStoredMembership,
  type MembershipEvent,
  type MembershipEventType,
  type MembershipFacts,
} from "../shared/membershipValidators.js";
import { mutation, query, type MutationCtx } from "./_generated/server.js";
import { membershipReport } from "./membershipState.js";
import {
  findMembership,
  findNewestMembership,
  findOrganizationDeletion,
  saveMembershipState,
  toStoredMembership,
} from "./membershipStore.js";
import { reportMembershipChange } from "./notify.js";
import { applyOrganizationDeletion } from "./organizations.js";
import { isBeforePruneHorizon } from "./retention.js";

/**
 * Applies one verified Clerk membership or organization event. The merge is
 * a join, so a replay changes nothing whatever its svix id (`duplicate`).
 * The change and the app's `onEvent` callback (once per change an app acts
 * on) commit in the same transaction.
 *
 * @example
 * await ctx.runMutation(components.clerkSessions.memberships.apply, {
 *   event: {
 *     kind: "membership",
 *     type: "organizationMembership.updated",
 *     membership: { membershipId: "orgmem_1", organizationId: "org_1",
 *       userId: "user_1", role: "org:admin", permissions: [],
 *       createdAt: 1716883200000, updatedAt: 1716883500000 },
 *   },
 * }); // { result: "applied" }
 */
export const apply = mutation({
  args: {
    event: vMembershipEvent,
    /** A function handle to the app's callback mutation. */
    onEvent: v.optional(v.string()),
  },
  returns: v.object({ result: vApplyResult }),
  handler: async (ctx, { event, onEvent }) => ({
    result: await applyMembershipEvent(ctx, event, onEvent),
  }),
});

/** The work of `memberships.apply`, for one verified event of any kind. */
export async function applyMembershipEvent(
  ctx: MutationCtx,
  event: MembershipEvent,
  onEvent: string | undefined,
): Promise<ApplyResult> {
  if (event.kind === "organization.deleted") {
    return await applyOrganizationDeletion(
      ctx,
      event.organizationId,
      { at: event.deletedAt },
      onEvent,
    );
  }
  const deletion =
    event.type === "organizationMembership.deleted"
      ? { deletedAt: event.deletedAt }
      : null;
  return await applyMembershipFacts(
    ctx,
    event.membership,
    deletion,
    event.type,
    onEvent,
  );
}

/**
 * A known membership costs one index lookup and at most one write; an
 * unseen one the lookup of its organization's deletion too, and one insert.
 */
async function applyMembershipFacts(
  ctx: MutationCtx,
  facts: MembershipFacts,
  deletion: { deletedAt: number | null } | null,
  type: MembershipEventType,
  onEvent: string | undefined,
): Promise<ApplyResult> {
  const report = membershipReport(facts, deletion);
  const existing = await findMembership(ctx.db, facts.membershipId);
  if (existing !== null) {
    // A stored membership already carries its organization's deletion, or
    // the deletion's batches will reach it.
    const { result, change } = await saveMembershipState(ctx.db, existing, {
      report,
    });
    await reportMembershipChange(ctx, onEvent, type, change);
    return result;
  }
  // A deletion's payload carries the membership's last update, not the
  // deletion: its own time decides whether it is a replay of a pruned one.
  const heardAt = Math.max(facts.updatedAt, report.deletedAt ?? -Infinity);
  if (await isBeforePruneHorizon(ctx, heardAt)) return "stale";
  const organizationDeletion = await findOrganizationDeletion(
    ctx.db,
    facts.organizationId,
  );
  const { result, change } = await saveMembershipState(ctx.db, null, {
    report,
    organizationDeletion,
  });
  await reportMembershipChange(ctx, onEvent, type, change);
  return result;
}

/** One membership by its Clerk id, or null when nothing reported it. */
export const get = query({
  args: { membershipId: v.string() },
  returns: v.union(vStoredMembership, v.null()),
  handler: async (ctx, { membershipId }) => {
    const doc = await findMembership(ctx.db, membershipId);
    return doc && toStoredMembership(doc);
  },
});

/**
 * What the verifier needs of the membership a token's organization claims
 * name (it runs on every checked request): the user's newest membership in
 * the organization, active with its role and permissions, or deleted; null
 * when the store knows nothing of it.
 *
 * Cost: one index lookup for a membership the store has a document of. Only
 * for one it has none of is the organization's deletion record read too, so
 * a member of a deleted organization reads deleted even when no membership
 * event was ever stored. A stored membership learns of its organization's
 * deletion from the deletion's batches: the first 100 in the webhook's own
 * transaction, the rest moments later on the workpool; until a batch
 * reaches it, it reads as it was.
 *
 * @example
 * const membership = await ctx.runQuery(
 *   components.clerkSessions.memberships.forToken,
 *   { organizationId: "org_1", userId: identity.subject },
 * );
 * if (membership?.status === "deleted") throw new Error("removed");
 */
export const forToken = query({
  args: { organizationId: v.string(), userId: v.string() },
  returns: vMembershipForToken,
  handler: async (ctx, { organizationId, userId }) => {
    const doc = await findNewestMembership(ctx.db, organizationId, userId);
    if (doc !== null) {
      return doc.status === "active"
        ? {
            status: "active" as const,
            role: doc.role,
            permissions: doc.permissions,
            updatedAt: doc.updatedAt,
          }
        : { status: "deleted" as const, deletedAt: doc.deletedAt };
    }
    const deletion = await findOrganizationDeletion(ctx.db, organizationId);
    return deletion && { status: "deleted" as const, deletedAt: deletion.at };
  },
});
