/**
 * The contract's retry rules around `@clerk/backend`, which has none of its
 * own: a 429, 5xx, timeout or unreachable Clerk is retried a bounded number
 * of times, after `Retry-After` or with backoff, out of one budget of
 * waiting shared by every request of the action; every failure becomes a
 * `ConvexError` with a `CLERK_` code.
 */
import { isClerkAPIResponseError } from "@clerk/backend/errors";
import { ConvexError } from "convex/values";
import type { ClerkApiErrorCode, ClerkApiErrorData } from "../core/errors.js";
import { ClerkShapeError } from "./answers.js";

export type RetryOptions = {
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
   * The most one action spends waiting to retry, over every Backend API
   * request it makes, so an action under rate limiting ends well inside
   * Convex's action time limit. Default 60 s.
   */
  retryBudgetMs?: number;
};

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;
const DEFAULT_RETRY_BUDGET_MS = 60_000;
const BACKOFF_BASE_MS = 250;

/** Codes worth another attempt later: Clerk was busy, down or slow. */
export const RETRYABLE_CODES: readonly ClerkApiErrorCode[] = [
  "CLERK_RATE_LIMITED",
  "CLERK_UNAVAILABLE",
  "CLERK_TIMEOUT",
];

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

export function badResponse(what: string, reason: string) {
  return clerkError(
    "CLERK_BAD_RESPONSE",
    `Clerk's answer to ${what} is not the shape Clerk publishes: ${reason}`,
  );
}

/**
 * The SDK reports a body it could not read (not JSON, or not an object it
 * can turn into a resource) as an `unexpected_error` without a status, as it
 * does a network failure; the engine's message tells the two apart.
 */
const UNREADABLE_BODY =
  /JSON|Cannot read propert|Cannot use 'in' operator|is not an object/i;

/** A `CLERK_` error for whatever a call through the SDK threw. */
export function toClerkError(what: string, error: unknown) {
  if (error instanceof ConvexError) return error;
  if (error instanceof ClerkShapeError) return badResponse(what, error.message);
  if (!isClerkAPIResponseError(error)) {
    return clerkError(
      "CLERK_UNAVAILABLE",
      `Could not reach Clerk to ${what}; try again later`,
    );
  }
  const status = error.status ?? null;
  const wait = error.retryAfter ?? null;
  if (status === null) {
    const message = error.errors[0]?.message ?? "";
    return UNREADABLE_BODY.test(message)
      ? badResponse(what, "the body is not a JSON answer the SDK can read")
      : clerkError(
          "CLERK_UNAVAILABLE",
          `Could not reach Clerk to ${what}; try again later`,
        );
  }
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
  // Clerk's own message is its text about the request, never our data.
  const clerkMessage = error.errors[0]?.message;
  return clerkError(
    "CLERK_REQUEST_FAILED",
    `Clerk could not ${what} (${status})${clerkMessage ? `: ${clerkMessage.slice(0, 200)}` : ""}`,
    status,
  );
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The waiting an action may still spend on retries, shared by its requests. */
export type RetryBudget = { remainingMs: number };

/**
 * One budget per action: keyed by the action's `ctx`, which every call of
 * one action shares and no other action sees.
 */
const budgets = new WeakMap<object, RetryBudget>();

export function budgetOf(ctx: object, options: RetryOptions): RetryBudget {
  let budget = budgets.get(ctx);
  if (budget === undefined) {
    budget = { remainingMs: options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS };
    budgets.set(ctx, budget);
  }
  return budget;
}

/** `call` with a timeout; the SDK takes no abort signal, so the wait is raced. */
async function withTimeout<T>(
  what: string,
  timeoutMs: number,
  call: () => Promise<T>,
): Promise<T> {
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
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one Backend API call (and `parse` on its answer), retrying while
 * Clerk is busy or down; the waits come out of `budget`, taken before
 * sleeping so concurrent requests of the action never overspend it.
 */
export async function withRetries<T>(
  what: string,
  options: RetryOptions,
  budget: RetryBudget,
  call: () => Promise<unknown>,
  parse: (answer: unknown) => T,
): Promise<T> {
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (let retry = 0; ; retry++) {
    let failure: ConvexError<ClerkApiErrorData>;
    try {
      return parse(await withTimeout(what, timeoutMs, call));
    } catch (error: unknown) {
      failure = toClerkError(what, error);
    }
    const { code, retryAfterSeconds } = failure.data;
    if (retry >= maxRetries || !RETRYABLE_CODES.includes(code)) throw failure;
    const waitMs =
      retryAfterSeconds !== null
        ? retryAfterSeconds * 1000
        : BACKOFF_BASE_MS * 2 ** retry * (1 + Math.random() / 4);
    if (waitMs > maxRetryWaitMs || waitMs > budget.remainingMs) throw failure;
    budget.remainingMs -= waitMs;
    await sleep(waitMs);
  }
}
