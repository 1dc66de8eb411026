import { useQuery } from "convex/react";
import type { FunctionReference } from "convex/server";
import { compareSessions, type Verdict } from "../client/compareSessions.js";
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
 * Compares the session Clerk's client reports with the identity Convex sees.
 * Uses no DOM APIs, so it runs in React Native / Expo too.
 *
 * @example
 * const { verdict } = useSessionSync({ useAuth, ...api.sessions });
 * if (verdict === "no_session_claim") console.warn("Use Clerk's Convex integration");
 */
export function useSessionSync(
  options: { useAuth: UseClerkAuth } & SessionQueries,
): SessionSync {
  const { isLoaded, isSignedIn, sessionId } = options.useAuth();
  const whoami = useQuery(options.whoami, {});
  const status = useQuery(
    options.sessionStatus,
    isSignedIn && sessionId ? { sessionId } : "skip",
  );
  const verdict = compareSessions({
    clerk: { isLoaded, isSignedIn, sessionId },
    whoami,
    status,
  });
  return {
    verdict,
    clerkSessionId: sessionId ?? null,
    convexSessionId: whoami?.authenticated ? whoami.sessionId : null,
    status: status?.status ?? null,
  };
}
