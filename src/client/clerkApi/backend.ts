/**
 * Clerk's Backend API over plain `fetch`: a page of users, a user's
 * sessions, and revoking one session. Every call has a timeout, retries a
 * 429 or 5xx a bounded number of times (after `Retry-After`, or with
 * backoff), checks the answer's shape (clerkResponses.ts), and otherwise
 * fails with a `ConvexError` whose `code` says what went wrong.
 */
import { ConvexError } from "convex/values";
import type { SessionFacts } from "../../shared/sessionValidators.js";
import type { ClerkApiErrorCode, ClerkApiErrorData } from "../core/errors.js";
import {
  ClerkShapeError,
  parseList,
  parseSession,
  parseTotalCount,
  parseUserId,
} from "./responses.js";

export type ClerkApiOptions = {
  /** Defaults to env `CLERK_SECRET_KEY`. */
  secretKey?: string;
  /** Defaults to env `CLERK_API_URL`, then `https://api.clerk.com`. */
  apiUrl?: string;
  /** How long one request to Clerk may take. Default 10 seconds. */
  timeoutMs?: number;
  /** Retries of a request answered 429 or 5xx, or not answered. Default 3. */
  maxRetries?: number;
  /**
   * The longest wait before a retry within one call. A longer `Retry-After`
   * fails the call at once, with `retryAfterSeconds` in the error. Default 10 s.
   */
  maxRetryWaitMs?: number;
  /**
   * The most one action spends waiting to retry, over all its calls, so a
   * long walk step under rate limiting ends well inside the action time
   * limit (the walk retries the page later instead). Default 60 s.
   */
  retryBudgetMs?: number;
};

const DEFAULT_API_URL = "https://api.clerk.com";
/** The Backend API version whose published shapes clerkResponses.ts checks. */
export const CLERK_API_VERSION = "2026-05-12";
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;
const DEFAULT_RETRY_BUDGET_MS = 60_000;
const BACKOFF_BASE_MS = 250;
/** Clerk's default page size for the walks here. */
export const CLERK_PAGE_SIZE = 100;
/** Clerk's largest `limit` (LimitParameter in the OpenAPI spec). */
export const CLERK_MAX_PAGE_SIZE = 500;
/** A user with more sessions than this is not believed; Clerk prunes old ones. */
const MAX_SESSION_PAGES = 50;

export function clerkError(
  code: ClerkApiErrorCode,
  message: string,
  status: number | null = null,
  retryAfterSeconds: number | null = null,
) {
  return new ConvexError<ClerkApiErrorData>({
    code,
    message,
    status,
    retryAfterSeconds,
  });
}

/** Codes worth another attempt later: Clerk was busy, down or slow. */
export const RETRYABLE_CODES: readonly ClerkApiErrorCode[] = [
  "CLERK_RATE_LIMITED",
  "CLERK_UNAVAILABLE",
  "CLERK_TIMEOUT",
];

/** `Retry-After` as seconds (a number or an HTTP date), or null. */
function retryAfterSeconds(header: string | null): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date)
    ? null
    : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Clerk's own message from an error body, short and only if it is text. */
async function clerkMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    const first = (body as { errors?: { message?: unknown }[] }).errors?.[0];
    return typeof first?.message === "string"
      ? `: ${first.message.slice(0, 200)}`
      : "";
  } catch {
    return "";
  }
}

async function failureOf(what: string, response: Response) {
  const { status } = response;
  const wait = retryAfterSeconds(response.headers.get("Retry-After"));
  // Read in every case, so the connection is released.
  const message = await clerkMessage(response);
  if (status === 401 || status === 403) {
    return clerkError(
      "CLERK_UNAUTHORIZED",
      `Clerk refused to ${what} (${status}): check CLERK_SECRET_KEY`,
      status,
    );
  }
  if (status === 429) {
    return clerkError(
      "CLERK_RATE_LIMITED",
      `Clerk rate-limited the request to ${what}${wait === null ? "" : `; retry after ${wait}s`}`,
      status,
      wait,
    );
  }
  if (status >= 500) {
    return clerkError(
      "CLERK_UNAVAILABLE",
      `Clerk failed to ${what} (${status}); try again later`,
      status,
      wait,
    );
  }
  return clerkError(
    "CLERK_REQUEST_FAILED",
    `Clerk could not ${what} (${status})${message}`,
    status,
  );
}

function badResponse(what: string, reason: string) {
  return clerkError(
    "CLERK_BAD_RESPONSE",
    `Clerk's answer to ${what} is not the shape Clerk publishes: ${reason}`,
  );
}

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

/** A Clerk client for one action, reading its secret at call time. */
export function clerkApi(options: ClerkApiOptions = {}) {
  const secretKey = options.secretKey ?? process.env.CLERK_SECRET_KEY;
  if (!secretKey) {
    throw clerkError(
      "CLERK_NOT_CONFIGURED",
      "No Clerk secret key: set CLERK_SECRET_KEY (npx convex env set CLERK_SECRET_KEY sk_...)",
    );
  }
  const base = (
    options.apiUrl ??
    (process.env.CLERK_API_URL || undefined) ??
    DEFAULT_API_URL
  ).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  let retryBudgetMs = options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS;

  async function attempt(
    what: string,
    method: "GET" | "POST",
    path: string,
  ): Promise<unknown> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(`${base}/v1${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${secretKey}`,
          "Clerk-API-Version": CLERK_API_VERSION,
          Accept: "application/json",
        },
        signal: controller.signal,
      });
      if (!response.ok) throw await failureOf(what, response);
      const text = await response.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw badResponse(what, "the body is not JSON");
      }
    } catch (error: unknown) {
      if (error instanceof ConvexError) throw error;
      if (controller.signal.aborted) {
        throw clerkError(
          "CLERK_TIMEOUT",
          `Clerk did not answer the request to ${what} within ${timeoutMs} ms`,
        );
      }
      throw clerkError(
        "CLERK_UNAVAILABLE",
        `Could not reach Clerk to ${what}; try again later`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** A request, retried while Clerk is busy or down, a bounded number of times. */
  async function request(
    what: string,
    method: "GET" | "POST",
    path: string,
  ): Promise<unknown> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(what, method, path);
      } catch (error: unknown) {
        const data = (error as ConvexError<ClerkApiErrorData>).data;
        if (retry >= maxRetries || !RETRYABLE_CODES.includes(data.code)) {
          throw error;
        }
        const waitMs =
          data.retryAfterSeconds !== null
            ? data.retryAfterSeconds * 1000
            : BACKOFF_BASE_MS * 2 ** retry * (1 + Math.random() / 4);
        if (waitMs > maxRetryWaitMs || waitMs > retryBudgetMs) throw error;
        retryBudgetMs -= waitMs;
        await sleep(waitMs);
      }
    }
  }

  async function list(what: string, path: string) {
    const body = await request(what, "GET", path);
    try {
      return parseList(body);
    } catch (error: unknown) {
      if (error instanceof ClerkShapeError) {
        throw badResponse(what, error.message);
      }
      throw error;
    }
  }

  return {
    /**
     * Users at `offset`, oldest first (`order_by=+created_at`), so users
     * created during a walk land after it rather than shifting it.
     */
    async userPage(offset: number, limit: number): Promise<UserPage> {
      const what = "list users";
      const query = new URLSearchParams({
        limit: String(limit),
        offset: String(offset),
        order_by: "+created_at",
      });
      const page = await list(what, `/users?${query}`);
      let totalCount = page.totalCount;
      if (totalCount === null) {
        const body = await request("count users", "GET", "/users/count");
        try {
          totalCount = parseTotalCount(body);
        } catch (error: unknown) {
          if (error instanceof ClerkShapeError) {
            throw badResponse("count users", error.message);
          }
          throw error;
        }
      }
      const userIds: string[] = [];
      for (const entry of page.entries) {
        const parsed = parseUserId(entry);
        if (typeof parsed === "string") userIds.push(parsed);
        else warnSkipped(what, parsed.malformed);
      }
      return {
        userIds,
        length: page.entries.length,
        skipped: page.entries.length - userIds.length,
        totalCount,
      };
    },

    /**
     * Every session Clerk has for the user, across pages. The walk ends on
     * an empty or short page, or at `total_count`; a repeated page fails.
     */
    async userSessions(userId: string): Promise<UserSessions> {
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
        const query = new URLSearchParams({
          user_id: userId,
          limit: String(CLERK_PAGE_SIZE),
          offset: String(offset),
          paginated: "true",
        });
        const { entries, totalCount } = await list(what, `/sessions?${query}`);
        const ids = entries.map((entry) =>
          typeof (entry as { id?: unknown } | null)?.id === "string"
            ? (entry as { id: string }).id
            : "",
        );
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
     * Revokes the session at Clerk. The answer must be that session: one
     * naming another session, or malformed, fails with `CLERK_BAD_RESPONSE`.
     * `null` when Clerk answers with a status this package does not know.
     */
    async revokeSession(sessionId: string): Promise<SessionFacts | null> {
      const what = "revoke the session";
      const body = await request(
        what,
        "POST",
        `/sessions/${encodeURIComponent(sessionId)}/revoke`,
      );
      const parsed = parseSession(body);
      if (parsed.kind === "malformed") throw badResponse(what, parsed.reason);
      const answered =
        parsed.kind === "facts" ? parsed.facts.sessionId : parsed.sessionId;
      if (answered !== sessionId) {
        throw badResponse(what, "it names another session");
      }
      return parsed.kind === "facts" ? parsed.facts : null;
    },
  };
}

export type ClerkApi = ReturnType<typeof clerkApi>;
