/**
 * Clerk's Backend API, through `@clerk/backend`: reading a user's sessions
 * and revoking one. Every call has a timeout and fails with a
 * `ConvexError` whose `code` says what went wrong; nothing is written until
 * Clerk has answered in full.
 */
import { createClerkClient, type Session } from "@clerk/backend";
import { ConvexError } from "convex/values";
import type { SessionFacts } from "../shared/sessionValidators.js";
import type { ClerkApiErrorCode, ClerkApiErrorData } from "./errors.js";
import { isClerkSessionStatus, toSessionFacts } from "./sessionFacts.js";

export type ClerkApiOptions = {
  /** Defaults to env `CLERK_SECRET_KEY`. */
  secretKey?: string;
  /** Defaults to env `CLERK_API_URL`, then Clerk's own API. */
  apiUrl?: string;
  /** How long one call to Clerk may take. Default 10 seconds. */
  timeoutMs?: number;
};

const DEFAULT_TIMEOUT_MS = 10_000;
/** Clerk's largest page size for list endpoints. */
export const CLERK_PAGE_SIZE = 100;

function clerkError(
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

type ClerkResponseError = {
  status?: number;
  retryAfter?: number;
  errors?: { code?: string; message?: string }[];
};

/** Turns what `@clerk/backend` throws into an error that says what to do. */
function describeFailure(what: string, error: unknown) {
  if (error instanceof ConvexError) return error;
  const { status, retryAfter, errors } = (error ?? {}) as ClerkResponseError;
  const clerkMessage = errors?.[0]?.message ?? "";
  if (status === 401 || status === 403) {
    return clerkError(
      "CLERK_UNAUTHORIZED",
      `Clerk refused to ${what} (${status}): check CLERK_SECRET_KEY`,
      status,
    );
  }
  if (status === 429) {
    const wait = retryAfter ?? null;
    return clerkError(
      "CLERK_RATE_LIMITED",
      `Clerk rate-limited the request to ${what}${wait === null ? "" : `; retry after ${wait}s`}`,
      status,
      wait,
    );
  }
  if (status !== undefined && status >= 500) {
    return clerkError(
      "CLERK_UNAVAILABLE",
      `Clerk failed to ${what} (${status}); try again later`,
      status,
    );
  }
  return clerkError(
    "CLERK_REQUEST_FAILED",
    `Clerk could not ${what}${status ? ` (${status})` : ""}${clerkMessage ? `: ${clerkMessage}` : ""}`,
    status ?? null,
  );
}

/** A Clerk client for one action, reading its secret at call time. */
export function clerkApi(options: ClerkApiOptions = {}) {
  const secretKey = options.secretKey ?? process.env.CLERK_SECRET_KEY;
  if (!secretKey) {
    throw clerkError(
      "CLERK_NOT_CONFIGURED",
      "No Clerk secret key: set CLERK_SECRET_KEY (npx convex env set CLERK_SECRET_KEY sk_...)",
    );
  }
  const apiUrl = options.apiUrl ?? process.env.CLERK_API_URL;
  const clerk = createClerkClient({ secretKey, ...(apiUrl ? { apiUrl } : {}) });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            clerkError(
              "CLERK_TIMEOUT",
              `Clerk did not answer the request to ${what} within ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([request(), timeout]);
    } catch (error: unknown) {
      throw describeFailure(what, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    /** Every session Clerk has for the user, across pages. */
    async userSessions(userId: string): Promise<Session[]> {
      const sessions: Session[] = [];
      for (let offset = 0; ; offset += CLERK_PAGE_SIZE) {
        const page = await call("list sessions", () =>
          clerk.sessions.getSessionList({
            userId,
            limit: CLERK_PAGE_SIZE,
            offset,
          }),
        );
        sessions.push(...page.data);
        if (page.data.length < CLERK_PAGE_SIZE) return sessions;
      }
    },

    /** One page of user ids, oldest first. */
    async userIds(offset: number, limit: number): Promise<string[]> {
      const page = await call("list users", () =>
        clerk.users.getUserList({ limit, offset, orderBy: "+created_at" }),
      );
      return page.data.map((user) => user.id);
    },

    async revokeSession(sessionId: string): Promise<Session> {
      return await call("revoke the session", () =>
        clerk.sessions.revokeSession(sessionId),
      );
    },
  };
}

/** Clerk's `actor` claim names the impersonator in `sub`. */
function actorOf(
  actor: Record<string, unknown> | null,
): { sub: string } | null {
  return typeof actor?.["sub"] === "string" ? { sub: actor["sub"] } : null;
}

/** A session from the API in the component's shape; null for a status this package does not know. */
export function factsFromClerkSession(session: Session): SessionFacts | null {
  return isClerkSessionStatus(session.status)
    ? toSessionFacts(
        { ...session, actor: actorOf(session.actor) },
        session.status,
      )
    : null;
}
