/**
 * Clerk's Backend API through Clerk's own SDK (`@clerk/backend`'s
 * `createClerkClient`): a page of users, a user's sessions, one session,
 * revoking one. The SDK speaks the API (URLs, version, auth, paging
 * envelopes, its error type); retries.ts adds the contract's retry rules and
 * answers.ts checks what comes back.
 */
import { createClerkClient } from "@clerk/backend";
import type { GenericActionCtx, GenericDataModel } from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type { SessionFacts } from "../../shared/sessionValidators.js";
import {
  ClerkShapeError,
  parseList,
  parseSession,
  parseUserId,
  parseUserList,
} from "./answers.js";
import {
  badResponse,
  budgetOf,
  clerkError,
  withRetries,
  type RetryOptions,
} from "./retries.js";

export type ClerkApiOptions = RetryOptions & {
  /**
   * Clerk's rate limit for the instance, in requests per 10 seconds: 100 on
   * development instances (the default), 1,000 on production. Every request
   * waits its turn in one bucket (`@convex-dev/rate-limiter`, in the
   * component), so a steady walk never meets a 429.
   */
  requestsPer10s?: number;
  /** Defaults to env `CLERK_SECRET_KEY`. */
  secretKey?: string;
  /**
   * Defaults to env `CLERK_API_URL`, then `https://api.clerk.com`; passed to
   * the SDK's own `apiUrl` option.
   */
  apiUrl?: string;
};

/** Clerk's rate limit on development instances: 100 requests per 10 s. */
export const DEFAULT_REQUESTS_PER_10S = 100;

/** What a Clerk client needs of the action: the pacing mutation. */
export type ClerkClientCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "runMutation"
>;

/** Clerk's default page size for the walks here. */
export const CLERK_PAGE_SIZE = 100;
/** Clerk's largest `limit` (LimitParameter in the OpenAPI spec). */
export const CLERK_MAX_PAGE_SIZE = 500;
/** A user with more sessions than this is not believed; Clerk prunes old ones. */
const MAX_SESSION_PAGES = 50;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Skipped entries are logged by reason only: never the body, an id or a token. */
function warnSkipped(what: string, reason: string) {
  console.warn(`Clerk Backend API: skipped an entry of ${what}: ${reason}`);
}

/** Two pages with the same entries, in the same order. */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return (
    a.length > 0 && a.length === b.length && a.every((id, i) => id === b[i])
  );
}

export function repeatedPage(what: string, offset: number) {
  return clerkError(
    "CLERK_REPEATED_PAGE",
    `Clerk answered the page of ${what} at offset ${offset} with the same entries as the page before; stopping instead of walking forever`,
  );
}

/** One page of users, and what it says about the walk. */
export type UserPage = {
  /** Ids of the well-formed users, in Clerk's order. */
  userIds: string[];
  /** Entries in the page, well-formed or not: how far the offset moves. */
  length: number;
  /** Malformed entries skipped. */
  skipped: number;
  totalCount: number;
};

/** Every session Clerk has for one user, and how many entries were skipped. */
export type UserSessions = {
  facts: SessionFacts[];
  fetched: number;
  skipped: number;
};

const idOf = (entry: unknown) =>
  typeof (entry as { id?: unknown } | null)?.id === "string"
    ? (entry as { id: string }).id
    : "";

/**
 * A Clerk client for one action (`ctx`), reading its secret at call time;
 * every client made for the same action shares one retry budget.
 */
export function clerkClient(
  ctx: ClerkClientCtx,
  component: ComponentApi,
  options: ClerkApiOptions = {},
) {
  const secretKey = options.secretKey ?? process.env.CLERK_SECRET_KEY;
  if (!secretKey) {
    throw clerkError(
      "CLERK_NOT_CONFIGURED",
      "No Clerk secret key: set CLERK_SECRET_KEY (npx convex env set CLERK_SECRET_KEY sk_...)",
    );
  }
  const apiUrl = options.apiUrl ?? (process.env.CLERK_API_URL || undefined);
  const clerk = createClerkClient({
    secretKey,
    ...(apiUrl === undefined ? {} : { apiUrl: apiUrl.replace(/\/+$/, "") }),
  });
  const budget = budgetOf(ctx, options);
  const perTenSeconds = options.requestsPer10s ?? DEFAULT_REQUESTS_PER_10S;
  /** Waits until the instance's bucket has room for `requests` more. */
  const paced = async (requests: number) => {
    const waitMs = await ctx.runMutation(component.pace.reserve, {
      requests,
      perTenSeconds,
    });
    if (waitMs > 0) await sleep(waitMs);
  };
  const call = <T>(
    what: string,
    request: () => Promise<unknown>,
    parse: (answer: unknown) => T,
    requests = 1,
  ) =>
    withRetries(
      what,
      options,
      budget,
      async () => {
        await paced(requests);
        return await request();
      },
      parse,
    );

  return {
    /**
     * Users at `offset`, oldest first (`order_by=+created_at`), so users
     * created during a walk land after it rather than shifting it; with
     * `activeSince`, only users whose last session activity is after it.
     */
    async userPage(
      offset: number,
      limit: number,
      activeSince: number | null = null,
    ): Promise<UserPage> {
      const what = "list users";
      const filter =
        activeSince === null ? {} : { lastActiveAtAfter: activeSince };
      // The SDK asks for the page and the count (with the same filter) together.
      const { entries, totalCount } = await call(
        what,
        () =>
          clerk.users.getUserList({
            limit,
            offset,
            orderBy: "+created_at",
            ...filter,
          }),
        parseUserList,
        2,
      );
      const userIds: string[] = [];
      for (const entry of entries) {
        const parsed = parseUserId(entry);
        if (typeof parsed === "string") userIds.push(parsed);
        else warnSkipped(what, parsed.malformed);
      }
      return {
        userIds,
        length: entries.length,
        skipped: entries.length - userIds.length,
        totalCount,
      };
    },

    /**
     * Every session Clerk has for the user (only those in `status` when
     * given), across pages. The walk ends on an empty or short page, or at
     * `total_count`; a repeated page fails.
     */
    async userSessions(
      userId: string,
      status?: "active" | "pending",
    ): Promise<UserSessions> {
      const what = "list sessions";
      const facts: SessionFacts[] = [];
      let fetched = 0;
      let skipped = 0;
      let previous: string[] = [];
      for (let page = 0, offset = 0; ; page++) {
        if (page >= MAX_SESSION_PAGES) {
          throw badResponse(
            what,
            `more than ${MAX_SESSION_PAGES * CLERK_PAGE_SIZE} sessions for one user`,
          );
        }
        const { entries, totalCount } = await call(
          what,
          () =>
            clerk.sessions.getSessionList({
              userId,
              limit: CLERK_PAGE_SIZE,
              offset,
              ...(status === undefined ? {} : { status }),
            }),
          parseList,
        );
        const ids = entries.map(idOf);
        if (sameIds(ids, previous)) throw repeatedPage(what, offset);
        previous = ids;
        for (const entry of entries) {
          const parsed = parseSession(entry);
          if (parsed.kind === "facts" && parsed.facts.userId === userId) {
            facts.push(parsed.facts);
            continue;
          }
          skipped += 1;
          if (parsed.kind === "malformed") warnSkipped(what, parsed.reason);
          if (parsed.kind === "facts") {
            warnSkipped(what, "a session of another user");
          }
        }
        fetched += entries.length;
        offset += entries.length;
        if (
          entries.length < CLERK_PAGE_SIZE ||
          (totalCount !== null && offset >= totalCount)
        ) {
          return { facts, fetched, skipped };
        }
      }
    },

    /**
     * One session as Clerk has it now; null when Clerk has no such session
     * (404) or answers with a status this package does not know.
     */
    async session(sessionId: string): Promise<SessionFacts | null> {
      const what = "get the session";
      try {
        return await call(
          what,
          () => clerk.sessions.getSession(sessionId),
          (answer) => checkedSession(what, sessionId, answer),
        );
      } catch (error: unknown) {
        const status = (error as { data?: { status?: unknown } }).data?.status;
        if (status === 404) return null;
        throw error;
      }
    },

    /**
     * Revokes the session at Clerk. The answer must be that session: one
     * naming another session, or malformed, fails with `CLERK_BAD_RESPONSE`.
     * `null` when Clerk answers with a status this package does not know.
     */
    async revokeSession(sessionId: string): Promise<SessionFacts | null> {
      const what = "revoke the session";
      return await call(
        what,
        () => clerk.sessions.revokeSession(sessionId),
        (answer) => checkedSession(what, sessionId, answer),
      );
    },
  };
}

/** A single-session answer, which must name the session asked for. */
function checkedSession(
  what: string,
  sessionId: string,
  answer: unknown,
): SessionFacts | null {
  const parsed = parseSession(answer);
  if (parsed.kind === "malformed") throw new ClerkShapeError(parsed.reason);
  const answered =
    parsed.kind === "facts" ? parsed.facts.sessionId : parsed.sessionId;
  if (answered !== sessionId) {
    throw badResponse(what, "it names another session");
  }
  return parsed.kind === "facts" ? parsed.facts : null;
}

export type ClerkClient = ReturnType<typeof clerkClient>;
