/**
 * Components the provider renders (they render nothing) that record what
 * each side reports: Clerk's and convex's clients under
 * `ConvexProviderWithAuth`, the server's record, the verdict and the
 * recovery loop's state under `SessionRecovery`.
 */
import { useEffect, useSyncExternalStore } from "react";
import { useConvexAuth, useQuery, type ConvexReactClient } from "convex/react";
import type { UseClerkAuth } from "../clerkAuth.js";
import { useSessionRecovery } from "../SessionRecovery.js";
import type { SessionQueries } from "../useSessionSync.js";
import type { DiagnosticsRecorder } from "./recorder.js";

const noSubscription = () => () => {};

/** The socket's state as a string, so a change of in-flight counts does not re-render. */
function useConnectionKey(client: ConvexReactClient): string {
  const canSubscribe = typeof client.subscribeToConnectionState === "function";
  return useSyncExternalStore(
    canSubscribe
      ? (listener) => client.subscribeToConnectionState(listener)
      : noSubscription,
    () => {
      if (!canSubscribe) return "unknown";
      const state = client.connectionState();
      return JSON.stringify([
        state.isWebSocketConnected,
        state.connectionCount,
        state.connectionRetries,
      ]);
    },
  );
}

export function ClientProbe(props: {
  recorder: DiagnosticsRecorder;
  useAuth: UseClerkAuth;
  client: ConvexReactClient;
}) {
  const { recorder } = props;
  const { isLoaded, isSignedIn, sessionId, orgId } = props.useAuth();
  useEffect(() => {
    recorder.record({
      kind: "clerk",
      isLoaded,
      isSignedIn: isSignedIn ?? null,
      sessionId: sessionId ?? null,
      orgId: orgId ?? null,
    });
  }, [recorder, isLoaded, isSignedIn, sessionId, orgId]);

  const { isLoading, isAuthenticated } = useConvexAuth();
  const connection = useConnectionKey(props.client);
  useEffect(() => {
    const [connected, connectionCount, connectionRetries] =
      connection === "unknown"
        ? [null, null, null]
        : (JSON.parse(connection) as [boolean, number, number]);
    recorder.record({
      kind: "convex",
      isLoading,
      isAuthenticated,
      connected,
      connectionCount,
      connectionRetries,
    });
  }, [recorder, isLoading, isAuthenticated, connection]);
  return null;
}

export function RecoveryProbe(props: {
  recorder: DiagnosticsRecorder;
  useAuth: UseClerkAuth;
  queries: SessionQueries;
}) {
  const { recorder, queries } = props;
  const { isSignedIn, sessionId } = props.useAuth();
  // The same subscriptions as useSessionSync's: convex's client shares them.
  const whoami = useQuery(queries.whoami, {});
  const status = useQuery(
    queries.sessionStatus,
    isSignedIn && sessionId ? { sessionId } : "skip",
  );
  const authenticated = whoami === undefined ? null : whoami.authenticated;
  const convexSessionId = whoami?.authenticated ? whoami.sessionId : null;
  const convexSessionStatus = whoami?.authenticated
    ? whoami.session.status
    : null;
  const clerkSessionStatus = status?.status ?? null;
  useEffect(() => {
    recorder.record({
      kind: "server",
      authenticated,
      convexSessionId,
      convexSessionStatus,
      clerkSessionStatus,
    });
  }, [
    recorder,
    authenticated,
    convexSessionId,
    convexSessionStatus,
    clerkSessionStatus,
  ]);

  const recovery = useSessionRecovery();
  const { verdict } = recovery;
  useEffect(() => {
    recorder.record({ kind: "verdict", verdict, previous: null });
  }, [recorder, verdict]);
  const { status: recoveryStatus, attempts } = recovery;
  const errorCode = recovery.error?.code ?? null;
  useEffect(() => {
    recorder.record({
      kind: "recovery_status",
      status: recoveryStatus,
      attempts,
      errorCode,
    });
  }, [recorder, recoveryStatus, attempts, errorCode]);
  return null;
}
