/**
 * A drop-in for convex/react-clerk's `ConvexProviderWithClerk` that
 * (a) fetches a new Convex token only when Clerk's session, org or the
 * claims that describe the session change, never for a routine token
 * refresh, and (b) given the app's `whoami` and `sessionStatus` queries,
 * recovers by itself when Convex stays unauthenticated or on a stale
 * session, detects a cold start on which Clerk did not restore a live
 * session, and reports an ended session once. No DOM APIs: it runs in React
 * Native / Expo.
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from "react";
import { ConvexProviderWithAuth, type ConvexReactClient } from "convex/react";
import type { UseClerkAuth } from "./clerkAuth.js";
import {
  AuthControlContext,
  makeUseAuthFromClerk,
  type FetchOutcome,
} from "./clerkTokenFetcher.js";
import {
  DEFAULT_RECOVERY,
  type RecoveryEvent,
  type RecoveryOptions,
} from "./recoveryPolicy.js";
import {
  useRememberedSession,
  type SessionStorage,
} from "./rememberedSession.js";
import { SessionRecovery, type SessionEndedInfo } from "./SessionRecovery.js";
import {
  RememberedSessionContext,
  type SessionQueries,
} from "./useSessionSync.js";
import { DiagnosticsContext } from "./diagnostics/context.js";
import {
  recordRecoveryEvents,
  withFetchDiagnostics,
} from "./diagnostics/fetchDiagnostics.js";
import { ClientProbe, RecoveryProbe } from "./diagnostics/probes.js";
import { DiagnosticsRecorder } from "./diagnostics/recorder.js";

export type ConvexProviderWithClerkSessionsProps = {
  children: ReactNode;
  client: ConvexReactClient;
  useAuth: UseClerkAuth;
  /** The app's queries; without them the provider fetches tokens but does not recover. */
  queries?: SessionQueries;
  recovery?: RecoveryOptions;
  /** Told of every recovery step, for telemetry. */
  onRecovery?: (event: RecoveryEvent) => void;
  /**
   * Where to remember the last session Convex confirmed, for cold-start
   * detection (`localStorage`, AsyncStorage, expo-secure-store). Needs `queries`.
   */
  storage?: SessionStorage;
  /** Called once when the server says Clerk's current session has ended. */
  onSessionEnded?: (info: SessionEndedInfo) => void;
  /**
   * Custom claims of the app's session token whose change should make
   * Convex fetch a new token (session, org, role and permissions always do).
   */
  sessionClaimNames?: readonly string[];
};

export function ConvexProviderWithClerkSessions({
  children,
  client,
  useAuth,
  queries,
  recovery,
  onRecovery,
  storage,
  onSessionEnded,
  sessionClaimNames,
}: ConvexProviderWithClerkSessionsProps) {
  const forceNext = useRef(false);
  const lastFetch = useRef<FetchOutcome | null>(null);
  const fetching = useRef(0);
  const [epoch, setEpoch] = useState(0);
  const control = useMemo(
    () => ({ epoch, forceNext, lastFetch, fetching }),
    [epoch, forceNext, lastFetch, fetching],
  );
  const claimNames = JSON.stringify(sessionClaimNames ?? []);
  // What useSessionDiagnostics() shows: each token fetch, each side's state.
  const [recorder] = useState(() => new DiagnosticsRecorder());
  const useAuthFromClerk = useMemo(
    () =>
      withFetchDiagnostics(
        makeUseAuthFromClerk(useAuth, JSON.parse(claimNames) as string[]),
        recorder,
      ),
    [useAuth, claimNames, recorder],
  );
  const recordedOnRecovery = useMemo(
    () => recordRecoveryEvents(recorder, onRecovery),
    [recorder, onRecovery],
  );
  const diagnosed = (
    <DiagnosticsContext.Provider value={recorder}>
      {children}
    </DiagnosticsContext.Provider>
  );
  const rebind = useCallback(() => {
    forceNext.current = true;
    setEpoch((value) => value + 1);
  }, []);

  const {
    automatic,
    gracePeriodMs,
    maxAttempts,
    backoffMs,
    maxBackoffMs,
    slowRetryMs,
    timeoutMs,
  } = { ...DEFAULT_RECOVERY, ...recovery };
  const options = useMemo(
    () => ({
      automatic,
      gracePeriodMs,
      maxAttempts,
      backoffMs,
      maxBackoffMs,
      slowRetryMs,
      timeoutMs,
    }),
    [
      automatic,
      gracePeriodMs,
      maxAttempts,
      backoffMs,
      maxBackoffMs,
      slowRetryMs,
      timeoutMs,
    ],
  );

  const { sessionId, remember, forget } = useRememberedSession(
    queries ? storage : undefined,
  );
  // Only a mount on which Clerk has not been signed in yet is a cold start;
  // a sign-out after that is intentional and must never raise the alarm.
  const { isSignedIn } = useAuth();
  const [signedInHere, setSignedInHere] = useState(false);
  if (isSignedIn && !signedInHere) setSignedInHere(true);
  const remembered = useMemo(
    () => ({ sessionId, remember, forget }),
    [sessionId, remember, forget],
  );

  return (
    <AuthControlContext.Provider value={control}>
      <ConvexProviderWithAuth client={client} useAuth={useAuthFromClerk}>
        <ClientProbe recorder={recorder} useAuth={useAuth} client={client} />
        <RememberedSessionContext.Provider
          value={signedInHere ? null : sessionId}
        >
          {queries ? (
            <SessionRecovery
              useAuth={useAuth}
              queries={queries}
              options={options}
              onRecovery={recordedOnRecovery}
              onSessionEnded={onSessionEnded}
              rebind={rebind}
              lastFetch={lastFetch}
              fetching={fetching}
              remembered={remembered}
            >
              <RecoveryProbe
                recorder={recorder}
                useAuth={useAuth}
                queries={queries}
              />
              {diagnosed}
            </SessionRecovery>
          ) : (
            diagnosed
          )}
        </RememberedSessionContext.Provider>
      </ConvexProviderWithAuth>
    </AuthControlContext.Provider>
  );
}
