/**
 * Reconciling the store with Clerk's Backend API. Clerk is read in full
 * before anything is written, so a failed call writes nothing.
 */
import type {
  FunctionReference,
  GenericActionCtx,
  GenericDataModel,
} from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type {
  SessionFacts,
  StoredSession,
} from "../shared/sessionValidators.js";
import {
  CLERK_PAGE_SIZE,
  clerkApi,
  factsFromClerkSession,
  type ClerkApiOptions,
} from "./clerkBackend.js";

/** Sessions per call of the component's `sync.applySessions`. */
const APPLY_CHUNK = 100;

export type SyncCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "runMutation" | "runQuery" | "scheduler"
>;

export type SyncDeps = {
  component: ComponentApi;
  clerkApi: ClerkApiOptions;
  onEvent: () => Promise<string | undefined>;
};

/** Sessions Clerk returned, how many changed the store, how many did not, and how many had a status this package does not know. */
export type SyncResult = {
  fetched: number;
  applied: number;
  stale: number;
  skipped: number;
};

async function applyAll(
  ctx: SyncCtx,
  deps: SyncDeps,
  sessions: SessionFacts[],
): Promise<{ applied: number; stale: number }> {
  const onEvent = await deps.onEvent();
  let applied = 0;
  let stale = 0;
  for (let start = 0; start < sessions.length; start += APPLY_CHUNK) {
    const result = await ctx.runMutation(deps.component.sync.applySessions, {
      sessions: sessions.slice(start, start + APPLY_CHUNK),
      ...(onEvent === undefined ? {} : { onEvent }),
    });
    applied += result.applied;
    stale += result.stale;
  }
  return { applied, stale };
}

function toFacts(sessions: Parameters<typeof factsFromClerkSession>[0][]) {
  const facts = sessions.map(factsFromClerkSession);
  const known = facts.filter((f): f is SessionFacts => f !== null);
  return { known, skipped: facts.length - known.length };
}

/** Reads all of one user's sessions from Clerk, then applies them. */
async function syncOneUser(
  ctx: SyncCtx,
  deps: SyncDeps,
  api: ReturnType<typeof clerkApi>,
  userId: string,
): Promise<SyncResult> {
  const sessions = await api.userSessions(userId);
  const { known, skipped } = toFacts(sessions);
  const counts = await applyAll(ctx, deps, known);
  return { fetched: sessions.length, ...counts, skipped };
}

export async function syncUserSessions(
  ctx: SyncCtx,
  deps: SyncDeps,
  userId: string,
): Promise<SyncResult> {
  return await syncOneUser(ctx, deps, clerkApi(deps.clerkApi), userId);
}

/** One page of users; `next` is the action that syncs the following page. */
export type SyncAllUsersArgs = {
  offset?: number;
  pageSize?: number;
  next?: FunctionReference<"action", "internal", { offset?: number }>;
};

/** A page's totals, its user count, and where the next page starts (null at the end). */
export type SyncAllUsersResult = SyncResult & {
  users: number;
  nextOffset: number | null;
};

export async function syncAllUsers(
  ctx: SyncCtx,
  deps: SyncDeps,
  args: SyncAllUsersArgs,
): Promise<SyncAllUsersResult> {
  const offset = args.offset ?? 0;
  const pageSize = args.pageSize ?? CLERK_PAGE_SIZE;
  const api = clerkApi(deps.clerkApi);
  const userIds = await api.userIds(offset, pageSize);
  const total: SyncResult = { fetched: 0, applied: 0, stale: 0, skipped: 0 };
  for (const userId of userIds) {
    const one = await syncOneUser(ctx, deps, api, userId);
    total.fetched += one.fetched;
    total.applied += one.applied;
    total.stale += one.stale;
    total.skipped += one.skipped;
  }
  const nextOffset = userIds.length === pageSize ? offset + pageSize : null;
  if (nextOffset !== null && args.next !== undefined) {
    await ctx.scheduler.runAfter(0, args.next, { offset: nextOffset });
  }
  return { ...total, users: userIds.length, nextOffset };
}

export async function revokeSession(
  ctx: SyncCtx,
  deps: SyncDeps,
  sessionId: string,
): Promise<StoredSession | null> {
  const revoked = await clerkApi(deps.clerkApi).revokeSession(sessionId);
  const { known } = toFacts([revoked]);
  await applyAll(ctx, deps, known);
  return await ctx.runQuery(deps.component.sessions.get, { sessionId });
}
