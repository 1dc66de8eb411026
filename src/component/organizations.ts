/**
 * `organization.deleted` ends every membership of the organization: its
 * record is kept (with the earliest deletion time heard of) so that a late
 * membership event is stored deleted, and its memberships are marked in
 * bounded batches, the first in the webhook's own transaction, the rest on
 * the component's workpool like `user.deleted` (see deletionBatches.ts).
 */
import { vOnCompleteArgs } from "@convex-dev/workpool";
import { v } from "convex/values";
import type { ApplyResult } from "../shared/eventValidators.js";
import { internal } from "./_generated/api.js";
import {
  internalAction,
  internalMutation,
  type MutationCtx,
} from "./_generated/server.js";
import {
  DELETION_BATCH_SIZE,
  DELETION_RETRY,
  deletionPool,
  mergeDeletionRecord,
  requeueIfFailed,
  vPage,
  walkPages,
  type Page,
} from "./deletionBatches.js";
import {
  findDeletedOrganization,
  findOrganizationDeletion,
  saveMembershipState,
} from "./membershipStore.js";
import type { OrganizationDeletion } from "./membershipState.js";
import { reportMembershipChange } from "./notify.js";

const vEnding = {
  organizationId: v.string(),
  cursor: v.union(v.string(), v.null()),
  onEvent: v.optional(v.string()),
};
type Ending = {
  organizationId: string;
  cursor: string | null;
  onEvent?: string;
};

/**
 * Marks one page of a deleted organization's memberships deleted (their own
 * deletion kept) and reports each change. Returns where the next page starts.
 */
async function markPage(
  ctx: MutationCtx,
  { organizationId, cursor, onEvent }: Ending,
  numItems: number,
): Promise<Page> {
  const organizationDeletion = await findOrganizationDeletion(
    ctx.db,
    organizationId,
  );
  if (organizationDeletion === null)
    return { isDone: true, continueCursor: "" };
  const page = await ctx.db
    .query("memberships")
    .withIndex("by_organization_id_and_user_id_and_created_at", (q) =>
      q.eq("organizationId", organizationId),
    )
    .paginate({ numItems, cursor });
  for (const doc of page.page) {
    const { change } = await saveMembershipState(ctx.db, doc, {
      organizationDeletion,
    });
    await reportMembershipChange(ctx, onEvent, "organization.deleted", change);
  }
  return { isDone: page.isDone, continueCursor: page.continueCursor };
}

async function enqueueEnding(
  ctx: MutationCtx,
  ending: Ending,
  runAfter = 0,
): Promise<void> {
  await deletionPool.enqueueAction(
    ctx,
    internal.organizations.endMemberships,
    ending,
    {
      retry: DELETION_RETRY,
      runAfter,
      onComplete: internal.organizations.endingFinished,
      context: ending,
    },
  );
}

/**
 * Remembers the deletion (the earliest time heard of) and starts ending the
 * organization's memberships. A repeat of the stored deletion is
 * `duplicate`; a later time than the stored one is `stale`. However late a
 * deletion arrives (past the prune horizon), it ends the organization's
 * stored live memberships, as `user.deleted` does a user's sessions: a
 * replay of one whose record was pruned only writes the record again.
 */
export async function applyOrganizationDeletion(
  ctx: MutationCtx,
  organizationId: string,
  deletion: OrganizationDeletion,
  onEvent: string | undefined,
): Promise<ApplyResult> {
  const record = await findDeletedOrganization(ctx.db, organizationId);
  const { merged, result } = mergeDeletionRecord(
    record?.deletion ?? null,
    deletion,
  );
  if (result !== "applied") return result;
  if (record === null) {
    await ctx.db.insert("organizationDeletions", {
      organizationId,
      deletion: merged,
    });
  } else {
    await ctx.db.patch(record._id, { deletion: merged });
  }
  const ending = {
    organizationId,
    cursor: null,
    ...(onEvent ? { onEvent } : {}),
  };
  const page = await markPage(ctx, ending, DELETION_BATCH_SIZE);
  if (!page.isDone) {
    await enqueueEnding(ctx, { ...ending, cursor: page.continueCursor });
  }
  return "applied";
}

/** One page, in its own transaction. */
export const markMembershipsOfDeletedOrganization = internalMutation({
  args: { ...vEnding, numItems: v.number() },
  returns: vPage,
  handler: async (ctx, { numItems, ...ending }) =>
    await markPage(ctx, ending, numItems),
});

/** Walks the remaining pages, halving a page that fails (see `walkPages`). */
export const endMemberships = internalAction({
  args: vEnding,
  returns: v.null(),
  handler: async (ctx, ending) => {
    await walkPages(ending.cursor, (cursor, numItems) =>
      ctx.runMutation(
        internal.organizations.markMembershipsOfDeletedOrganization,
        { ...ending, cursor, numItems },
      ),
    );
    return null;
  },
});

/** A run that exhausted its retries is enqueued again: nothing is forgotten. */
export const endingFinished = internalMutation({
  args: vOnCompleteArgs(v.object(vEnding)),
  returns: v.null(),
  handler: async (ctx, { context, result }) => {
    await requeueIfFailed(
      result,
      "clerk_organization_deletion_retry",
      (runAfter) => enqueueEnding(ctx, context, runAfter),
    );
    return null;
  },
});
