/**
 * The app's `onEvent` callback: its own mutation, called through a function
 * handle in the same transaction as the change, so both commit or neither.
 */
import type { FunctionHandle } from "convex/server";
import type { SessionChangeType } from "../shared/eventValidators.js";
import type { MembershipChangeCause } from "../shared/membershipValidators.js";
import type { MutationCtx } from "./_generated/server.js";
import type { MembershipStoredChange } from "./membershipStore.js";
import type { StoredChange } from "./store.js";

async function callOnEvent(
  ctx: MutationCtx,
  onEvent: string | undefined,
  args: Record<string, unknown>,
): Promise<void> {
  if (onEvent === undefined) return;
  await ctx.runMutation(onEvent as FunctionHandle<"mutation">, args);
}

/** Calls the callback for a change, if there was one. Returns whether there was. */
export async function reportChange(
  ctx: MutationCtx,
  onEvent: string | undefined,
  type: SessionChangeType,
  change: StoredChange | null,
): Promise<boolean> {
  if (change === null) return false;
  await callOnEvent(ctx, onEvent, { type, ...change });
  return true;
}

/**
 * Calls the callback for a membership change, if there was one: its kind
 * (`membership.created`, `membership.role_changed`, `membership.removed`),
 * the webhook that caused it, and the membership before and after.
 */
export async function reportMembershipChange(
  ctx: MutationCtx,
  onEvent: string | undefined,
  cause: MembershipChangeCause,
  change: MembershipStoredChange | null,
): Promise<boolean> {
  if (change === null) return false;
  await callOnEvent(ctx, onEvent, { ...change, cause });
  return true;
}
