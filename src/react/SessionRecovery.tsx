/**
 * The recovery loop: watches the verdict, and while Clerk holds a live
 * session that Convex does not confirm, hands Convex a fresh token on a
 * capped exponential backoff, then a slow retry. It never acts while Clerk
 * is signed out, on an ended session, or on a refusal it can diagnose as
 * configuration. The notices (ended session, cold start) are in
 * useSessionNotices.ts.
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
import type { Verdict } from "../client/core/compareSessions.js";
import { diagnoseToken, type UseClerkAuth } from "./clerkAuth.js";
import type { FetchOutcome } from "./clerkTokenFetcher.js";
import {
  nextStep,
  RECOVERABLE_VERDICTS,
  type RecoveryError,
  type RecoveryEvent,
  type RecoveryOptions,
  type RecoveryStatus,
} from "./recoveryPolicy.js";
import { useSessionSync, type SessionQueries } from "./useSessionSync.js";
import {
  useSessionNotices,
  type RememberedSession,
  type SessionEndedInfo,
} from "./useSessionNotices.js";

export type { SessionEndedInfo };

export type SessionRecoveryState = {
  status: RecoveryStatus;
  verdict: Verdict;
  /** Tries in the current (or last) incident. */
  attempts: number;
  error: RecoveryError | null;
  /**
   * Hands Convex a fresh token now. Concurrent calls share one try; resolves
   * once Convex confirms Clerk's session, rejects after `timeoutMs`.
   */
  recover: () => Promise<void>;
};

export const SessionRecoveryContext =
  createContext<SessionRecoveryState | null>(null);

/**
 * The provider's recovery, for a banner or a retry button.
 *
 * @example
 * const { status, verdict, error, recover } = useSessionRecovery();
 * if (status === "gave_up") return <button onClick={() => void recover()}>Reconnect</button>;
 */
export function useSessionRecovery(): SessionRecoveryState {
  const state = useContext(SessionRecoveryContext);
  if (state === null) {
    throw new Error(
      "useSessionRecovery() needs a ConvexProviderWithClerkSessions with `queries` above it.",
    );
  }
  return state;
}

type LoopState = {
  status: RecoveryStatus;
  attempts: number;
  error: RecoveryError | null;
  /** False after a configuration refusal: trying again cannot help. */
  slowRetry: boolean;
};

/** How often a rebind waits for an in-flight token fetch to finish. */
const FETCH_POLL_MS = 250;

export function SessionRecovery(props: {
  children: ReactNode;
  useAuth: UseClerkAuth;
  queries: SessionQueries;
  options: Required<RecoveryOptions>;
  onRecovery: ((event: RecoveryEvent) => void) | undefined;
  onSessionEnded: ((info: SessionEndedInfo) => void) | undefined;
  rebind: () => void;
  lastFetch: { current: FetchOutcome | null };
  fetching: { current: number };
  remembered: RememberedSession;
}) {
  const { useAuth, queries, options, lastFetch, fetching, remembered } = props;
  const clerk = useAuth();
  // Not spread: an app's `api.sessions` is a proxy with no own keys.
  const { verdict } = useSessionSync({
    useAuth,
    whoami: queries.whoami,
    sessionStatus: queries.sessionStatus,
  });
  const [state, setState] = useState<LoopState>({
    status: "idle",
    attempts: 0,
    error: null,
    slowRetry: true,
  });

  // Callbacks and the latest values, read by timers without re-arming them.
  const latest = useRef({ props, verdict, state, clerk });
  // eslint-disable-next-line react-hooks/refs
  latest.current = { props, verdict, state, clerk };
  /**
   * Rebinds once convex's client is not waiting on a token fetch: a new
   * fetcher set while its reauth is fetching leaves its socket stopped for
   * good (the reauth sees a stale config and returns before restarting it).
   */
  const pendingRebind = useRef<ReturnType<typeof setTimeout> | null>(null);
  const rebind = useCallback(() => {
    if (pendingRebind.current !== null) return;
    const attempt = () => {
      if (fetching.current > 0) {
        pendingRebind.current = setTimeout(attempt, FETCH_POLL_MS);
        return;
      }
      pendingRebind.current = null;
      // The wait may have outlasted the incident: a healthy app, a session
      // the server says has ended, or a signed-out Clerk is left alone.
      const { verdict: now, clerk: auth } = latest.current;
      const settled = now === "in_sync" || now === "session_ended";
      if (!settled && auth.isSignedIn === true) props.rebind();
    };
    attempt();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetching, props.rebind]);
  useEffect(
    () => () => {
      if (pendingRebind.current !== null) clearTimeout(pendingRebind.current);
    },
    [],
  );
  const report = useCallback((event: RecoveryEvent) => {
    latest.current.props.onRecovery?.(event);
  }, []);

  const stuck =
    clerk.isSignedIn === true && RECOVERABLE_VERDICTS.includes(verdict);
  const inIncident =
    state.status === "recovering" || state.status === "gave_up";
  const attempts = inIncident ? state.attempts : 0;
  const gaveUp = state.status === "gave_up";
  const keepTrying = !gaveUp || state.slowRetry;

  /** One try: a new fetcher whose first fetch skips Clerk's cache. */
  const tryOnce = useCallback(
    (delayMs: number, slow: boolean) => {
      const current = latest.current.state;
      const open =
        current.status === "recovering" || current.status === "gave_up";
      const attempt = (open ? current.attempts : 0) + 1;
      const next: LoopState = {
        ...current,
        status: current.status === "gave_up" ? "gave_up" : "recovering",
        attempts: attempt,
      };
      latest.current.state = next;
      setState(next);
      report({
        action: "rebind",
        attempt,
        verdict: latest.current.verdict,
        delayMs,
        slow,
      });
      rebind();
    },
    [rebind, report],
  );

  /** Ends the fast tries: the status says so, and the app is told why. */
  const giveUp = useCallback(
    (attempts: number, error: RecoveryError, slowRetry: boolean) => {
      const next: LoopState = { status: "gave_up", attempts, error, slowRetry };
      latest.current.state = next;
      setState(next);
      report({
        action: "gave_up",
        attempt: attempts,
        verdict: latest.current.verdict,
        error,
        slowRetry,
      });
    },
    [report],
  );

  // The automatic schedule: grace, backoff, report, slow retry.
  useEffect(() => {
    if (!stuck || !options.automatic || !keepTrying) return;
    const step = nextStep(attempts, gaveUp, options);
    const timer = setTimeout(() => {
      const { verdict: now } = latest.current;
      const fetched = lastFetch.current;
      const problem =
        now === "convex_unauthenticated" && fetched?.token
          ? diagnoseToken(fetched.token)
          : null;
      if (problem || step.kind === "give_up") {
        const error: RecoveryError = problem ?? {
          code: fetched?.error ? "TOKEN_FETCH_FAILED" : "NOT_CONFIRMED",
          message: fetched?.error
            ? `Clerk's token could not be fetched: ${fetched.error}`
            : `Convex did not confirm Clerk's session after ${attempts} tries.`,
        };
        giveUp(attempts, error, problem === null);
        return;
      }
      tryOnce(step.delayMs, step.slow);
    }, step.delayMs);
    return () => clearTimeout(timer);
  }, [
    stuck,
    keepTrying,
    attempts,
    gaveUp,
    options,
    lastFetch,
    giveUp,
    tryOnce,
  ]);

  // Any verdict the provider need not fix ends the incident.
  useEffect(() => {
    if (stuck || verdict === "loading" || !inIncident) return;
    const next: LoopState = {
      status: verdict === "in_sync" ? "recovered" : "idle",
      attempts: latest.current.state.attempts,
      error: null,
      slowRetry: true,
    };
    latest.current.state = next;
    setState(next);
    if (verdict === "in_sync") {
      report({ action: "recovered", attempt: next.attempts, verdict });
    }
  }, [stuck, verdict, inIncident, report]);

  // recover(): one shared promise until Convex confirms or time runs out.
  const pending = useRef<{
    promise: Promise<void>;
    resolve: () => void;
    timer: ReturnType<typeof setTimeout>;
  } | null>(null);
  const recover = useCallback((): Promise<void> => {
    if (latest.current.verdict === "in_sync") return Promise.resolve();
    if (pending.current) return pending.current.promise;
    if (latest.current.clerk.isSignedIn !== true) {
      return Promise.reject(new Error("Clerk has no session to recover."));
    }
    const { timeoutMs } = latest.current.props.options;
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const timer = setTimeout(() => {
      pending.current = null;
      const message = `Convex did not confirm Clerk's session within ${timeoutMs} ms.`;
      // Without the automatic schedule nothing is in progress any more, and
      // the status must say so (with it, the schedule's next try is).
      const { state: now, props: current } = latest.current;
      if (!current.options.automatic && now.status === "recovering") {
        giveUp(now.attempts, { code: "NOT_CONFIRMED", message }, true);
      }
      reject(new Error(message));
    }, timeoutMs);
    pending.current = { promise, resolve, timer };
    tryOnce(0, false);
    return promise;
  }, [tryOnce, giveUp]);
  useEffect(() => {
    if (verdict !== "in_sync" || !pending.current) return;
    clearTimeout(pending.current.timer);
    pending.current.resolve();
    pending.current = null;
  }, [verdict]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current.timer);
    },
    [],
  );

  useSessionNotices({
    verdict,
    clerk,
    remembered,
    report,
    onSessionEnded: useCallback(
      (info: SessionEndedInfo) => latest.current.props.onSessionEnded?.(info),
      [],
    ),
  });

  const value = useMemo<SessionRecoveryState>(
    () => ({
      status: state.status,
      verdict,
      attempts: state.attempts,
      error: state.error,
      recover,
    }),
    [state.status, state.attempts, state.error, verdict, recover],
  );
  return (
    <SessionRecoveryContext.Provider value={value}>
      {props.children}
    </SessionRecoveryContext.Provider>
  );
}
