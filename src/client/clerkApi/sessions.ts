/**
 * One session at a time through Clerk's Backend API: revoking it, and
 * taking its current state (its lifetime above all) from Clerk.
 */
import type { StoredSession } from "../../shared/sessionValidators.js";
import { clerkClient } from "./client.js";
import { applyAll, type SyncCtx, type SyncDeps } from "./sync.js";

/**
 * Revokes a session at Clerk and records Clerk's answer. An answer that is
 * not that session fails with `CLERK_BAD_RESPONSE` and changes nothing.
 */
export async function revokeSession(
  ctx: SyncCtx,
  deps: SyncDeps,
  sessionId: string,
): Promise<StoredSession | null> {
  const revoked = await clerkClient(
    ctx,
    deps.component,
    deps.clerkApi,
  ).revokeSession(sessionId);
  if (revoked !== null) await applyAll(ctx, deps, [revoked]);
  return await ctx.runQuery(deps.component.sessions.get, { sessionId });
}

/**
 * Reads one session from Clerk and applies it by the webhook's rules, so the
 * store takes Clerk's current `expireAt` / `abandonAt` (Clerk may slide them
 * on activity, and sends no webhook for it). Returns the session as stored
 * after, or null when neither Clerk nor the store has it.
 */
export async function refreshSession(
  ctx: SyncCtx,
  deps: SyncDeps,
  sessionId: string,
): Promise<StoredSession | null> {
  const current = await clerkClient(ctx, deps.component, deps.clerkApi).session(
    sessionId,
  );
  if (current !== null) await applyAll(ctx, deps, [current]);
  return await ctx.runQuery(deps.component.sessions.get, { sessionId });
}
