/**
 * Reconciling the store with Clerk's Backend API. Clerk is read in full
 * before anything is written, so a failed call writes nothing; a walk over
 * every user keeps its cursor, totals and last failure in the component and
 * carries the cursor from one scheduled step to the next.
 */
import {
  createFunctionHandle,
  type FunctionReference,
  type GenericActionCtx,
  type GenericDataModel,
} from "convex/server";
import { ConvexError } from "convex/values";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { SessionFacts } from "../../shared/sessionValidators.js";
import type {
  SyncCounts,
  SyncWalk,
  SyncWalkState,
} from "../../shared/syncValidators.js";
import { isClerkApiError } from "../core/errors.js";
import {
  CLERK_PAGE_SIZE,
  clerkClient,
  repeatedPage,
  sameIds,
  type ClerkClient,
  type ClerkApiOptions,
  type UserSessions,
} from "./client.js";
import { RETRYABLE_CODES } from "./retries.js";

/** Sessions per call of the component's `sync.applySessions`. */
const APPLY_CHUNK = 100;
/** Attempts at one page of a walk before it is recorded as failed. */
export const WALK_MAX_ATTEMPTS = 3;
/** Wait before retrying a page when Clerk named none: 10 s, then 40 s. */
const WALK_BACKOFF_MS = 10_000;
/**
 * The longest `Retry-After` a walk waits for. A longer one (Clerk has been
 * seen to name days) ends the walk as failed with its code, readable through
 * `syncStatus`, instead of a walk that reads `running` all that time.
 */
export const WALK_MAX_RETRY_AFTER_MS = 15 * 60_000;
/**
 * Clerk keeps a user's `last_active_at` to the day, so the active-users
 * filter reaches back one day further than the session lifetime.
 */
const LAST_ACTIVE_PRECISION_MS = 86_400_000;

export type SyncCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "runMutation" | "runQuery" | "scheduler"
>;

export type SyncDeps = {
  component: ComponentApi;
  clerkApi: ClerkApiOptions;
  onEvent: () => Promise<string | undefined>;
  /**
   * The longest lifetime a Clerk session can have on the instance: a walk
   * reads only users active within it (and a day more), since no one else
   * can hold a live session. `null` walks every user.
   */
  sessionLifetimeMs: number | null;
};

/**
 * Sessions Clerk returned, how many changed the store, how many did not, and
 * how many were skipped: malformed, or with a status this package does not know.
 */
export type SyncResult = SyncCounts;

export async function applyAll(
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

/** Reads every given user's sessions from Clerk, then applies them all. */
async function syncUsers(
  ctx: SyncCtx,
  deps: SyncDeps,
  api: ClerkClient,
  userIds: string[],
): Promise<SyncResult> {
  const facts: SessionFacts[] = [];
  let fetched = 0;
  let skipped = 0;
  for (const userId of userIds) {
    const read = await api.userSessions(userId);
    facts.push(...read.facts);
    fetched += read.fetched;
    skipped += read.skipped;
  }
  const counts = await applyAll(ctx, deps, facts);
  return { fetched, ...counts, skipped };
}

/**
 * Reads one user's sessions from Clerk (unless `read` already holds them),
 * then applies them.
 */
export async function syncUserSessions(
  ctx: SyncCtx,
  deps: SyncDeps,
  userId: string,
  read?: UserSessions,
): Promise<SyncResult> {
  if (read === undefined) {
    return await syncUsers(
      ctx,
      deps,
      clerkClient(ctx, deps.component, deps.clerkApi),
      [userId],
    );
  }
  const counts = await applyAll(ctx, deps, read.facts);
  return { fetched: read.fetched, ...counts, skipped: read.skipped };
}

/** The app's action that takes one step of a walk. */
export type SyncAllUsersStep = FunctionReference<
  "action",
  "internal",
  { walkId?: string; offset?: number }
>;

export type SyncAllUsersArgs = {
  /** The walk to continue. Omitted: a new walk starts, superseding a running one. */
  walkId?: string;
  /**
   * Where a new walk starts (default 0); for a step of an existing walk, the
   * offset it was scheduled for, so a duplicate or late run does nothing.
   */
  offset?: number;
  /** Users per page, 1 to 500 (Clerk's maximum), kept for the whole walk. Default 100. */
  pageSize?: number;
  /** Schedules each following step, and retries of a failed one. */
  next?: SyncAllUsersStep;
};

/** What one step did, and where the walk stands after it. */
export type SyncAllUsersResult = SyncResult & {
  walkId: string;
  /** Users read in this step. */
  users: number;
  /** Where the walk's next step starts; null once the walk is over. */
  nextOffset: number | null;
  state: SyncWalkState;
};

function idle(walkId: string, state: SyncWalkState): SyncAllUsersResult {
  return {
    walkId,
    state,
    users: 0,
    nextOffset: null,
    fetched: 0,
    applied: 0,
    stale: 0,
    skipped: 0,
  };
}

/** The wait before the next attempt at a page, or null to give up. */
function retryDelay(error: unknown, attempts: number): number | null {
  if (!isClerkApiError(error) || !RETRYABLE_CODES.includes(error.data.code)) {
    return null;
  }
  if (attempts >= WALK_MAX_ATTEMPTS) return null;
  const wait = error.data.retryAfterSeconds;
  if (wait !== null && wait * 1000 > WALK_MAX_RETRY_AFTER_MS) return null;
  return wait !== null ? wait * 1000 : WALK_BACKOFF_MS * 4 ** (attempts - 1);
}

function failureOf(error: unknown) {
  if (isClerkApiError(error)) {
    const { code, message, status } = error.data;
    return { code, message, status };
  }
  const message =
    error instanceof ConvexError || error instanceof Error
      ? error.message
      : String(error);
  return { code: "SYNC_FAILED", message, status: null };
}

/**
 * One step of a walk over every user: a page of users, oldest first, each
 * user's sessions read then applied. The walk ends on an empty or short page
 * or at Clerk's `total_count`; a page equal to the one before fails it. A
 * 429, 5xx or timeout is retried (after `Retry-After`, or backoff) up to
 * `WALK_MAX_ATTEMPTS` times through `next`; a failure that ends the walk is
 * recorded for `syncStatus`, then thrown.
 */
export async function syncAllUsers(
  ctx: SyncCtx,
  deps: SyncDeps,
  args: SyncAllUsersArgs,
): Promise<SyncAllUsersResult> {
  const walkId =
    args.walkId ??
    (await ctx.runMutation(deps.component.sync.startWalk, {
      offset: args.offset ?? 0,
      pageSize: args.pageSize ?? CLERK_PAGE_SIZE,
    }));
  const step = await ctx.runQuery(deps.component.sync.walkStep, { walkId });
  if (step === null) return idle(walkId, "superseded");
  if (
    step.state !== "running" ||
    (args.offset !== undefined && args.offset !== step.offset)
  ) {
    return idle(walkId, step.state);
  }
  const next =
    args.next === undefined ? undefined : await createFunctionHandle(args.next);
  const { offset, pageSize } = step;
  try {
    const api = clerkClient(ctx, deps.component, deps.clerkApi);
    const page = await api.userPage(
      offset,
      pageSize,
      await activeSince(ctx, deps, walkId),
    );
    if (sameIds(page.userIds, step.previousPageIds)) {
      throw repeatedPage("users", offset);
    }
    const read = await syncUsers(ctx, deps, api, page.userIds);
    // Malformed users in the page count as skipped too.
    const counts = { ...read, skipped: read.skipped + page.skipped };
    const nextOffset = offset + page.length;
    const done =
      page.length === 0 ||
      page.length < pageSize ||
      nextOffset >= page.totalCount;
    await ctx.runMutation(deps.component.sync.recordPage, {
      walkId,
      offset,
      pageIds: page.userIds,
      users: page.userIds.length,
      totalCount: page.totalCount,
      counts,
      nextOffset,
      done,
      ...(next === undefined ? {} : { next }),
    });
    return {
      walkId,
      state: done ? "done" : "running",
      users: page.userIds.length,
      nextOffset: done ? null : nextOffset,
      ...counts,
    };
  } catch (error: unknown) {
    const state = await ctx.runMutation(deps.component.sync.recordFailure, {
      walkId,
      offset,
      ...failureOf(error),
      retryInMs: retryDelay(error, step.attempts + 1),
      ...(next === undefined ? {} : { next }),
    });
    if (state === "running") {
      return { ...idle(walkId, state), nextOffset: offset };
    }
    throw error;
  }
}

/**
 * Where a walk's active-users filter starts: fixed for the whole walk (from
 * its start), so every step reads the same list of users.
 */
async function activeSince(
  ctx: SyncCtx,
  deps: SyncDeps,
  walkId: string,
): Promise<number | null> {
  if (deps.sessionLifetimeMs === null) return null;
  const walk = await ctx.runQuery(deps.component.sync.latestWalk, {});
  const startedAt = walk?.walkId === walkId ? walk.startedAt : Date.now();
  return startedAt - deps.sessionLifetimeMs - LAST_ACTIVE_PRECISION_MS;
}

/** The latest walk over every user, or null before the first. */
export async function syncStatus(
  ctx: Pick<SyncCtx, "runQuery">,
  component: ComponentApi,
): Promise<SyncWalk | null> {
  return await ctx.runQuery(component.sync.latestWalk, {});
}
