/**
 * The `useAuth` hook that `ConvexProviderWithAuth` takes, built from Clerk's:
 * the token fetcher it returns changes only when the session changes (or a
 * recovery step asks for a new one), so Convex's own refresh schedule runs
 * undisturbed through Clerk's routine token refreshes.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  sessionFingerprint,
  usesConvexIntegration,
  type ClerkAuthState,
  type UseClerkAuth,
} from "./clerkAuth.js";

/** What a fetch handed Convex: the token, or why there was none. */
export type FetchOutcome = { token: string | null; error: string | null };

/** Shared by the provider, the fetcher, and the recovery loop. */
export type AuthControl = {
  /** Bumped by a recovery step: a new fetcher makes Convex re-run its auth. */
  epoch: number;
  /** Set by a recovery step: the next fetch skips Clerk's token cache. */
  forceNext: { current: boolean };
  /** What the last fetch handed Convex. */
  lastFetch: { current: FetchOutcome | null };
  /** Fetches convex's client is waiting on right now. */
  fetching: { current: number };
};

export const AuthControlContext = createContext<AuthControl>({
  epoch: 0,
  forceNext: { current: false },
  lastFetch: { current: null },
  fetching: { current: 0 },
});

/** Clerk mints a token per second: one asked for again after this is new. */
const SAME_TOKEN_RETRY_MS = 1_000;
const SAME_TOKEN_RETRIES = 2;

async function fetchFromClerk(
  auth: ClerkAuthState,
  skipCache: boolean,
): Promise<FetchOutcome> {
  try {
    // Before Clerk has published any claims, ask for the session token:
    // with the Convex integration that is the one; otherwise the claims that
    // arrive next change the fingerprint and the template is asked for.
    const template =
      auth.sessionClaims && !usesConvexIntegration(auth.sessionClaims)
        ? "convex"
        : undefined;
    const token = await auth.getToken(
      template ? { template, skipCache } : { skipCache },
    );
    return { token, error: null };
  } catch (error) {
    return {
      token: null,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One fetch for convex's client. A forced refresh that returns the token
 * Convex already holds makes convex's client stop refreshing or drop auth,
 * so that case asks again once the second has turned and Clerk mints anew,
 * unless the provider has unmounted meanwhile (`mounted`).
 */
async function fetchForConvex(
  control: Pick<AuthControl, "forceNext" | "lastFetch">,
  latest: { current: ClerkAuthState },
  forceRefreshToken: boolean,
  mounted: { current: boolean },
): Promise<string | null> {
  const skipCache = forceRefreshToken || control.forceNext.current;
  control.forceNext.current = false;
  const held = control.lastFetch.current?.token ?? null;
  let outcome = await fetchFromClerk(latest.current, skipCache);
  for (
    let retry = 0;
    forceRefreshToken &&
    held !== null &&
    outcome.token === held &&
    retry < SAME_TOKEN_RETRIES;
    retry++
  ) {
    await sleep(SAME_TOKEN_RETRY_MS);
    if (!mounted.current) break;
    outcome = await fetchFromClerk(latest.current, true);
  }
  control.lastFetch.current = outcome;
  return outcome.token;
}

export function makeUseAuthFromClerk(
  useAuth: UseClerkAuth,
  extraClaims: readonly string[],
) {
  return function useAuthFromClerk() {
    const auth = useAuth();
    const { epoch, forceNext, lastFetch, fetching } =
      useContext(AuthControlContext);
    // The fetcher outlives renders; it reads Clerk's latest state from here.
    const latest = useRef(auth);
    latest.current = auth;
    const mounted = useRef(true);
    useEffect(() => {
      mounted.current = true;
      return () => {
        mounted.current = false;
      };
    }, []);
    const fingerprint = sessionFingerprint(auth.sessionClaims, extraClaims);
    // A new fetcher makes Convex fetch a token: on a change of session, org
    // or the claims that describe the session, or a recovery step (`epoch`,
    // which SessionRecovery bumps only when no fetch is in flight). A change
    // of session is handed over the same way: a fetcher set in the middle of
    // convex's reauth leaves its socket stopped for good.
    const wanted = JSON.stringify([
      auth.sessionId ?? null,
      auth.orgId ?? null,
      auth.orgRole ?? null,
      fingerprint,
    ]);
    // Taken in the render that sees the change, so that a sign-in hands
    // Convex the new fetcher together with `isAuthenticated`; a render
    // during a fetch keeps the fetcher, and the fetch's end renders again.
    const current = useRef(wanted);
    if (current.current !== wanted && fetching.current === 0) {
      current.current = wanted;
    }
    const [, setSettled] = useState(0);
    const settled = useRef(() => setSettled((n) => n + 1));
    const fetchAccessToken = useCallback(
      async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => {
        fetching.current += 1;
        try {
          return await fetchForConvex(
            { forceNext, lastFetch },
            latest,
            forceRefreshToken,
            mounted,
          );
        } finally {
          fetching.current -= 1;
          // A change held back by this fetch is handed over now.
          if (fetching.current === 0) settled.current();
        }
      },
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [current.current, epoch],
    );
    const isLoading = !auth.isLoaded;
    const isAuthenticated = auth.isSignedIn ?? false;
    return useMemo(
      () => ({ isLoading, isAuthenticated, fetchAccessToken }),
      [isLoading, isAuthenticated, fetchAccessToken],
    );
  };
}
