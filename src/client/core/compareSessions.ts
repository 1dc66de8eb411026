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

/** Ended by status, or by an `expireAt` that has passed (absent reads as unknown). */
function hasEnded(
  status: Pick<SessionStatusResult, "status"> & { expireAt?: number | null },
  now: number,
): boolean {
  return (
    isTerminalStatus(status.status) ||
    (status.expireAt != null && status.expireAt <= now)
  );
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
 * @param input.now the time to judge `expireAt` by; defaults to `Date.now()`.
 * @example
 * const verdict = compareSessions({ clerk: useAuth(), whoami, status });
 * if (verdict === "convex_stale_session") await refreshToken();
 */
export function compareSessions(input: {
  clerk: ClerkClientState;
  whoami: Whoami | undefined;
  status: SessionStatusResult | undefined;
  rememberedSessionId?: string | null;
  rememberedStatus?: SessionStatusResult | undefined;
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
    return hasEnded(status, now) ? "session_ended" : "convex_unauthenticated";
  }
  if (whoami.sessionId === null) return "no_session_claim";
  if (whoami.sessionId !== clerk.sessionId) return "convex_stale_session";
  return hasEnded(
    { status: whoami.session.status, expireAt: status.expireAt },
    now,
  )
    ? "session_ended"
    : "in_sync";
}
