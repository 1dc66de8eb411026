/**
 * A drop-in for convex/react-clerk's `ConvexProviderWithClerk` that
 * (a) fetches a new Convex token whenever Clerk's session, org or session
 * claims change, and (b) given the app's `whoami` and `sessionStatus`
 * queries, recovers by itself when Convex stays unauthenticated or on a stale
 * session. No DOM APIs: it runs in React Native / Expo.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { ConvexProviderWithAuth, type ConvexReactClient } from "convex/react";
import type { Verdict } from "../client/compareSessions.js";
import {
  sessionClaimsKey,
  usesConvexIntegration,
  type UseClerkAuth,
} from "./clerkAuth.js";
import { useSessionSync, type SessionQueries } from "./useSessionSync.js";

/** Verdicts the provider can fix by itself. */
const RECOVERABLE: readonly Verdict[] = [
  "convex_unauthenticated",
  "convex_stale_session",
];

export type RecoveryEvent = {
  /** 1 for the first try in an incident, and so on. */
  attempt: number;
  /** What the provider did: force a fresh token, re-run Convex auth, or stop trying. */
  action: "refresh_token" | "remount_auth" | "gave_up";
  verdict: Verdict;
};

export type RecoveryOptions = {
  /** How long a recoverable verdict may last before the provider acts. Default 3 s. */
  gracePeriodMs?: number;
  /** Tries per incident; the first refreshes the token, later ones re-run auth. Default 3. */
  maxAttempts?: number;
};

export type ConvexProviderWithClerkSessionsProps = {
  children: ReactNode;
  client: ConvexReactClient;
  useAuth: UseClerkAuth;
  /** The app's queries; without them the provider fetches tokens but does not recover. */
  queries?: SessionQueries;
  recovery?: RecoveryOptions;
  /** Told of every recovery step, for telemetry. */
  onRecovery?: (event: RecoveryEvent) => void;
};

/** What the recovery loop changes and the auth hook reads. */
type AuthControl = {
  /** Bumped to make a new fetcher, so Convex asks for a token again. */
  epoch: number;
  /** While true, Convex is told the user is signed out, which clears its auth. */
  resetting: boolean;
  /** Set by a recovery step: the next fetch skips Clerk's token cache. */
  forceRefresh: { current: boolean };
};

const AuthControlContext = createContext<AuthControl>({
  epoch: 0,
  resetting: false,
  forceRefresh: { current: false },
});

function makeUseAuthFromClerk(useAuth: UseClerkAuth) {
  return function useAuthFromClerk() {
    const {
      isLoaded,
      isSignedIn,
      getToken,
      orgId,
      orgRole,
      sessionId,
      sessionClaims,
    } = useAuth();
    const { epoch, resetting, forceRefresh } = useContext(AuthControlContext);
    const claimsKey = sessionClaimsKey(sessionClaims);
    const fetchAccessToken = useCallback(
      async ({ forceRefreshToken }: { forceRefreshToken: boolean }) => {
        const skipCache = forceRefreshToken || forceRefresh.current;
        forceRefresh.current = false;
        try {
          // The token kind follows the claims this fetcher was made for;
          // any change of them makes a new fetcher.
          return usesConvexIntegration(sessionClaims)
            ? await getToken({ skipCache })
            : await getToken({ template: "convex", skipCache });
        } catch {
          return null;
        }
      },
      // A new fetcher makes Convex fetch a token: on any change of session,
      // org, session claims, or a recovery step. Expo's getToken is not
      // memoized, so it is left out.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      [sessionId, orgId, orgRole, claimsKey, epoch],
    );
    return useMemo(
      () => ({
        isLoading: !isLoaded,
        isAuthenticated: (isSignedIn ?? false) && !resetting,
        fetchAccessToken,
      }),
      [isLoaded, isSignedIn, resetting, fetchAccessToken],
    );
  };
}

export function ConvexProviderWithClerkSessions({
  children,
  client,
  useAuth,
  queries,
  recovery,
  onRecovery,
}: ConvexProviderWithClerkSessionsProps) {
  const forceRefresh = useRef(false);
  const [state, setState] = useState({ epoch: 0, resetting: false });
  const control = useMemo(
    () => ({ ...state, forceRefresh }),
    [state, forceRefresh],
  );
  const useAuthFromClerk = useMemo(
    () => makeUseAuthFromClerk(useAuth),
    [useAuth],
  );

  const refreshToken = useCallback(() => {
    forceRefresh.current = true;
    setState((s) => ({ ...s, epoch: s.epoch + 1 }));
  }, []);
  const remountAuth = useCallback(() => {
    forceRefresh.current = true;
    setState((s) => ({ ...s, resetting: true }));
  }, []);
  useEffect(() => {
    if (!state.resetting) return;
    // Convex has seen the user signed out; sign it back in with a new fetcher.
    const timer = setTimeout(
      () => setState((s) => ({ epoch: s.epoch + 1, resetting: false })),
      0,
    );
    return () => clearTimeout(timer);
  }, [state.resetting]);

  return (
    <AuthControlContext.Provider value={control}>
      <ConvexProviderWithAuth client={client} useAuth={useAuthFromClerk}>
        {queries ? (
          <SessionRecovery
            useAuth={useAuth}
            queries={queries}
            options={recovery ?? {}}
            onRecovery={onRecovery}
            refreshToken={refreshToken}
            remountAuth={remountAuth}
          />
        ) : null}
        {children}
      </ConvexProviderWithAuth>
    </AuthControlContext.Provider>
  );
}

/** Watches the verdict and escalates, a bounded number of times per incident. */
function SessionRecovery(props: {
  useAuth: UseClerkAuth;
  queries: SessionQueries;
  options: RecoveryOptions;
  onRecovery: ((event: RecoveryEvent) => void) | undefined;
  refreshToken: () => void;
  remountAuth: () => void;
}) {
  const { useAuth, queries, options, onRecovery, refreshToken, remountAuth } =
    props;
  const gracePeriodMs = options.gracePeriodMs ?? 3_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const { verdict } = useSessionSync({ useAuth, ...queries });
  const [attempts, setAttempts] = useState(0);
  const stuck = RECOVERABLE.includes(verdict);
  // Anything but a recoverable verdict ends the incident.
  if (!stuck && verdict !== "loading" && attempts !== 0) setAttempts(0);

  useEffect(() => {
    if (!stuck || attempts > maxAttempts) return;
    const timer = setTimeout(() => {
      const attempt = attempts + 1;
      setAttempts(attempt);
      if (attempt > maxAttempts) {
        onRecovery?.({ attempt, action: "gave_up", verdict });
      } else if (attempt === 1) {
        onRecovery?.({ attempt, action: "refresh_token", verdict });
        refreshToken();
      } else {
        onRecovery?.({ attempt, action: "remount_auth", verdict });
        remountAuth();
      }
    }, gracePeriodMs);
    return () => clearTimeout(timer);
  }, [
    stuck,
    verdict,
    attempts,
    maxAttempts,
    gracePeriodMs,
    onRecovery,
    refreshToken,
    remountAuth,
  ]);

  return null;
}
