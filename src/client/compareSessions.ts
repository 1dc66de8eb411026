import { isTerminalStatus } from "../shared/sessionValidators.js";
import {
  type SessionStatusResult,
  type Whoami,
} from "../shared/resultValidators.js";

/** What Clerk's client reports, as `useAuth()` gives it. */
export type ClerkClientState = {
  isLoaded: boolean;
  isSignedIn: boolean | undefined;
  sessionId: string | null | undefined;
};

export const VERDICTS = [
  "loading",
  "signed_out",
  "in_sync",
  "convex_unauthenticated",
  "convex_stale_session",
  "session_ended",
  "no_session_claim",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Says which side is wrong when Clerk's client and Convex disagree about the
 * session. Pure: pass `undefined` for a query still loading.
 *
 * @param input.clerk Clerk's client state (`useAuth()`).
 * @param input.whoami the `whoami` query's result.
 * @param input.status `sessionStatus` of Clerk's current session; not needed
 *   while Clerk is signed out.
 * @example
 * const verdict = compareSessions({ clerk: useAuth(), whoami, status });
 * if (verdict === "convex_stale_session") await refreshToken();
 */
export function compareSessions(input: {
  clerk: ClerkClientState;
  whoami: Whoami | undefined;
  status: SessionStatusResult | undefined;
}): Verdict {
  const { clerk, whoami, status } = input;
  if (!clerk.isLoaded || whoami === undefined) return "loading";
  if (!clerk.isSignedIn) {
    return whoami.authenticated ? "convex_stale_session" : "signed_out";
  }
  if (!clerk.sessionId || status === undefined) return "loading";
  if (!whoami.authenticated) {
    return isTerminalStatus(status.status)
      ? "session_ended"
      : "convex_unauthenticated";
  }
  if (whoami.sessionId === null) return "no_session_claim";
  if (whoami.sessionId !== clerk.sessionId) return "convex_stale_session";
  return isTerminalStatus(whoami.session.status) ? "session_ended" : "in_sync";
}
