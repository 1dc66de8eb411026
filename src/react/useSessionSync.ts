import { createContext, useContext, useEffect, useState } from "react";
import { useQuery } from "convex/react";
import type { FunctionReference } from "convex/server";
import {
  compareSessions,
  type Verdict,
} from "../client/core/compareSessions.js";
import type { SessionStatus } from "../shared/sessionValidators.js";
import type {
  SessionStatusResult,
  Whoami,
} from "../shared/resultValidators.js";
import type { UseClerkAuth } from "./clerkAuth.js";

/** The app's re-exported queries: `api.sessions.whoami` and `api.sessions.sessionStatus`. */
export type SessionQueries = {
  whoami: FunctionReference<"query", "public", Record<string, never>, Whoami>;
  sessionStatus: FunctionReference<
    "query",
    "public",
    { sessionId: string },
    SessionStatusResult
  >;
};

export type SessionSync = {
  verdict: Verdict;
  clerkSessionId: string | null;
  convexSessionId: string | null;
  /** The stored status of Clerk's current session; null while unknown to the client. */
  status: SessionStatus | null;
};

/**
 * The last session Convex confirmed on this device, as the provider's
 * `storage` remembers it: `undefined` while storage is being read, null for
 * none (or no storage).
 */
export const RememberedSessionContext = createContext<
  string | null | undefined
>(null);

/** Re-renders when `at` (ms) passes, so a read-time expiry shows without a new query result. */
function useNowAfter(times: (number | null | undefined)[]): number {
  const [now, setNow] = useState(() => Date.now());
  const next = Math.min(
    ...times.filter((t): t is number => typeof t === "number" && t > now),
  );
  useEffect(() => {
    if (!Number.isFinite(next)) return;
    // setTimeout holds 32-bit delays; a later expiry re-arms on the way.
    const delay = Math.min(next - Date.now(), 2 ** 31 - 1);
    const timer = setTimeout(() => setNow(Date.now()), Math.max(0, delay));
    return () => clearTimeout(timer);
  }, [next]);
  return now;
}

/**
 * Compares the session Clerk's client reports with the identity Convex sees.
 * Uses no DOM APIs, so it runs in React Native / Expo too. Under
 * `ConvexProviderWithClerkSessions` with `storage`, a signed-out Clerk is
 * also checked against the last session Convex confirmed on this device.
 *
 * @example
 * const { verdict } = useSessionSync({ useAuth, ...api.sessions });
 * if (verdict === "no_session_claim") console.warn("Use Clerk's Convex integration");
 */
export function useSessionSync(
  options: { useAuth: UseClerkAuth } & SessionQueries,
): SessionSync {
  const { isLoaded, isSignedIn, sessionId } = options.useAuth();
  const rememberedSessionId = useContext(RememberedSessionContext);
  const whoami = useQuery(options.whoami, {});
  const status = useQuery(
    options.sessionStatus,
    isSignedIn && sessionId ? { sessionId } : "skip",
  );
  const checkRemembered = isLoaded && !isSignedIn && !!rememberedSessionId;
  const rememberedStatus = useQuery(
    options.sessionStatus,
    checkRemembered ? { sessionId: rememberedSessionId } : "skip",
  );
  // Only the remembered session of a signed-out Clerk is judged by the
  // clock: while Clerk's client holds a session, time alone never ends it.
  const now = useNowAfter([
    checkRemembered ? rememberedStatus?.expireAt : null,
  ]);
  const verdict =
    isLoaded && !isSignedIn && rememberedSessionId === undefined
      ? "loading"
      : compareSessions({
          clerk: { isLoaded, isSignedIn, sessionId },
          whoami,
          status,
          rememberedSessionId: checkRemembered ? rememberedSessionId : null,
          rememberedStatus,
          now,
        });
  return {
    verdict,
    clerkSessionId: sessionId ?? null,
    convexSessionId: whoami?.authenticated ? whoami.sessionId : null,
    status: status?.status ?? null,
  };
}
