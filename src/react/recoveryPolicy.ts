/**
 * When the provider tries again, and what it tells the app: pure, so the
 * schedule is tested without React.
 */
import type { Verdict } from "../client/core/compareSessions.js";
import type { TokenProblem } from "./clerkAuth.js";

export type RecoveryOptions = {
  /** Off: the provider only reports; the app calls `recover()` itself. Default on. */
  automatic?: boolean;
  /** How long a recoverable verdict may last before the first try. Default 3 s. */
  gracePeriodMs?: number;
  /** Fast tries per incident, with backoff between them. Default 3. */
  maxAttempts?: number;
  /** Wait before the second try; it doubles for every try after. Default 2 s. */
  backoffMs?: number;
  /** The most any wait between fast tries grows to. Default 30 s. */
  maxBackoffMs?: number;
  /** After the fast tries, one more try this often while Clerk holds a live session. Default 60 s. */
  slowRetryMs?: number;
  /** How long `recover()` waits for Convex to confirm. Default 15 s. */
  timeoutMs?: number;
};

export const DEFAULT_RECOVERY: Required<RecoveryOptions> = {
  automatic: true,
  gracePeriodMs: 3_000,
  maxAttempts: 3,
  backoffMs: 2_000,
  maxBackoffMs: 30_000,
  slowRetryMs: 60_000,
  timeoutMs: 15_000,
};

export type RecoveryStatus = "idle" | "recovering" | "recovered" | "gave_up";

/** The stuck states the provider can get out of by giving Convex a fresh token. */
export const RECOVERABLE_VERDICTS: readonly Verdict[] = [
  "convex_unauthenticated",
  "convex_stale_session",
];

/** Why recovery stopped, or why a try failed. */
export type RecoveryError = {
  code: TokenProblem["code"] | "TOKEN_FETCH_FAILED" | "NOT_CONFIRMED";
  message: string;
};

export type RecoveryEvent =
  | {
      /** A fresh token was handed to Convex (its auth re-run with a new fetcher). */
      action: "rebind";
      /** 1 for the first try in an incident, and so on. */
      attempt: number;
      verdict: Verdict;
      /** How long the provider waited before this try. */
      delayMs: number;
      /** Set once the fast tries are used up. */
      slow: boolean;
    }
  | { action: "recovered"; attempt: number; verdict: Verdict }
  | {
      action: "gave_up";
      attempt: number;
      verdict: Verdict;
      error: RecoveryError;
      /** Whether a slow retry keeps going (never for a configuration error). */
      slowRetry: boolean;
    }
  | { action: "session_ended"; attempt: 0; verdict: Verdict; sessionId: string }
  | {
      action: "clerk_session_not_restored";
      attempt: 0;
      verdict: Verdict;
      sessionId: string;
    };

export type NextStep = {
  delayMs: number;
  /** Rebind now (a fast try or a slow retry), or report that the fast tries are used up. */
  kind: "rebind" | "give_up";
  slow: boolean;
};

/**
 * What the provider does next in an incident after `attempts` tries: the
 * grace period before the first, capped exponential backoff between fast
 * tries, a report once they are used up, then a slow retry.
 */
export function nextStep(
  attempts: number,
  gaveUp: boolean,
  options: Required<RecoveryOptions>,
): NextStep {
  if (gaveUp) {
    return { delayMs: options.slowRetryMs, kind: "rebind", slow: true };
  }
  const delayMs =
    attempts === 0
      ? options.gracePeriodMs
      : Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (attempts - 1));
  return {
    delayMs,
    kind: attempts < options.maxAttempts ? "rebind" : "give_up",
    slow: false,
  };
}
