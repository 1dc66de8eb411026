/**
 * Times each token fetch the provider hands convex's client and records its
 * outcome, by wrapping the `useAuth` hook given to `ConvexProviderWithAuth`:
 * the wrapped fetcher changes exactly when the inner one does, so the
 * provider's fetcher identity (which decides when Convex re-authenticates)
 * is untouched.
 */
import { useCallback, useContext, useMemo } from "react";
import { decodeTokenClaims } from "../clerkAuth.js";
import { AuthControlContext } from "../clerkTokenFetcher.js";
import type { RecoveryEvent } from "../recoveryPolicy.js";
import type { DiagnosticsRecorder } from "./recorder.js";
import { scrub } from "./report.js";

type ConvexUseAuth = () => {
  isLoading: boolean;
  isAuthenticated: boolean;
  fetchAccessToken: (args: {
    forceRefreshToken: boolean;
  }) => Promise<string | null>;
};

/** Claims new on every token: their change says nothing about the session. */
const PER_TOKEN_CLAIMS = new Set(["iat", "exp", "nbf", "jti", "fva"]);

/** Names of the claims that differ between two tokens' payloads. */
export function changedClaimNames(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => !PER_TOKEN_CLAIMS.has(name))
    .filter(
      (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
    )
    .sort();
}

export function withFetchDiagnostics(
  useInner: ConvexUseAuth,
  recorder: DiagnosticsRecorder,
): ConvexUseAuth {
  // The last token's claims, to name what the next one changed; held only here.
  let previousClaims: Record<string, unknown> | null = null;
  return function useAuthWithDiagnostics() {
    const auth = useInner();
    const { fetchAccessToken } = auth;
    const control = useContext(AuthControlContext);
    const recorded = useCallback(
      async (args: { forceRefreshToken: boolean }) => {
        const skipCache = args.forceRefreshToken || control.forceNext.current;
        const started = Date.now();
        const token = await fetchAccessToken(args);
        const outcome = control.lastFetch.current;
        const claims = decodeTokenClaims(token);
        const changedClaims =
          claims === null || previousClaims === null
            ? null
            : changedClaimNames(previousClaims, claims);
        if (claims !== null) previousClaims = claims;
        const failed = token === null && outcome?.error;
        recorder.record({
          kind: "token_fetch",
          forced: args.forceRefreshToken,
          skipCache,
          outcome: token !== null ? "token" : failed ? "error" : "no_token",
          durationMs: Date.now() - started,
          changedClaims,
          error: failed ? scrub(outcome.error ?? "") : null,
        });
        return token;
      },
      [fetchAccessToken, control],
    );
    return useMemo(
      () => ({ ...auth, fetchAccessToken: recorded }),
      [auth, recorded],
    );
  };
}

/** Records each recovery step, then tells the app's own `onRecovery`. */
export function recordRecoveryEvents(
  recorder: DiagnosticsRecorder,
  onRecovery: ((event: RecoveryEvent) => void) | undefined,
): (event: RecoveryEvent) => void {
  return (event) => {
    recorder.record({
      kind: "recovery",
      action: event.action,
      attempt: event.attempt,
      errorCode: "error" in event ? event.error.code : null,
    });
    onRecovery?.(event);
  };
}
