/**
 * The app's `onEvent` callback: its own mutation, called through a function
 * handle in the same transaction as the change, so both commit or neither.
 */
import type { FunctionHandle } from "convex/server";
import type { SessionChangeType } from "../shared/eventValidators.js";
import type { MutationCtx } from "./_generated/server.js";
import type { StoredChange } from "./store.js";

/** Calls the callback for a change, if there was one. Returns whether there was. */
export async function reportChange(
  ctx: MutationCtx,
  onEvent: string | undefined,
  type: SessionChangeType,
  change: StoredChange | null,
): Promise<boolean> {
  if (change === null) return false;
  if (onEvent !== undefined) {
    const handle = onEvent as FunctionHandle<"mutation">;
    await ctx.runMutation(handle, { type, ...change });
  }
  return true;
}
