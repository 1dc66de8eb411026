import { isTerminalStatus } from "../../shared/sessionValidators.js";
import {
  type SessionStatusResult,
  type Whoami,
} from "../../shared/resultValidators.js";

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
  "clerk_session_not_restored",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The parts of a `sessionStatus` result the verdict reads. */
type StatusInput = Pick<SessionStatusResult, "status"> & {
  expireAt?: number | null;
  derivedFromTime?: boolean;
};

/** Ended by status, or by an `expireAt` that has passed (absent reads as unknown). */
function hasEnded(status: StatusInput, now: number): boolean {
  return (
    isTerminalStatus(status.status) ||
    (status.expireAt != null && status.expireAt <= now)
  );
}

/**
 * Ended by what Clerk reported (or the user's deletion): the rule while
 * Clerk's client holds the session. Time alone never ends it then, since
 * Clerk may extend a session on activity and sends no webhook for it; if
 * Clerk did expire it, its client stops holding it.
 */
function reportedEnded(status: StatusInput): boolean {
  return isTerminalStatus(status.status) && status.derivedFromTime !== true;
}

/**
 * Says which side is wrong when Clerk's client and Convex disagree about the
 * session. Pure: pass `undefined` for a query still loading.
 *
 * @param input.clerk Clerk's client state (`useAuth()`).
 * @param input.whoami the `whoami` query's result.
 * @param input.status `sessionStatus` of Clerk's current session; not needed
 *   while Clerk is signed out.
 * @param input.rememberedSessionId the last session Convex confirmed on this
 *   device (see the provider's `storage`), or null; only read while Clerk is
 *   signed out.
 * @param input.rememberedStatus `sessionStatus` of that session.
 * @param input.now the time to judge the remembered session's `expireAt` by;
 *   defaults to `Date.now()`. While Clerk holds a session, only what Clerk
 *   reported ends it: a status `derivedFromTime` does not.
 * @example
 * const verdict = compareSessions({ clerk: useAuth(), whoami, status });
 * if (verdict === "convex_stale_session") await refreshToken();
 */
export function compareSessions(input: {
  clerk: ClerkClientState;
  whoami: Whoami | undefined;
  status: StatusInput | undefined;
  rememberedSessionId?: string | null;
  rememberedStatus?: StatusInput | undefined;
  now?: number;
}): Verdict {
  const { clerk, whoami, status } = input;
  const now = input.now ?? Date.now();
  if (!clerk.isLoaded || whoami === undefined) return "loading";
  if (!clerk.isSignedIn) {
    if (input.rememberedSessionId) {
      const remembered = input.rememberedStatus;
      if (remembered === undefined) return "loading";
      if (remembered.status === "active" && !hasEnded(remembered, now)) {
        return "clerk_session_not_restored";
      }
    }
    return whoami.authenticated ? "convex_stale_session" : "signed_out";
  }
  if (!clerk.sessionId || status === undefined) return "loading";
  if (!whoami.authenticated) {
    return reportedEnded(status) ? "session_ended" : "convex_unauthenticated";
  }
  if (whoami.sessionId === null) return "no_session_claim";
  if (whoami.sessionId !== clerk.sessionId) return "convex_stale_session";
  return reportedEnded(status) ? "session_ended" : "in_sync";
}
