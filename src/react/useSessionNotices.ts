/**
 * What the provider tells the app once rather than fixes: a session the
 * server says has ended, and a cold start on which Clerk did not restore a
 * session that is still live. Also keeps the remembered session current:
 * remembered when Convex confirms it, forgotten on a sign-out seen here or
 * when the server says it is over.
 */
import { useEffect, useRef } from "react";
import type { Verdict } from "../client/core/compareSessions.js";
import type { ClerkAuthState } from "./clerkAuth.js";
import type { RecoveryEvent } from "./recoveryPolicy.js";

export type SessionEndedInfo = { sessionId: string };

export type RememberedSession = {
  /** `undefined` while storage is read; null for none. */
  sessionId: string | null | undefined;
  remember: (sessionId: string) => void;
  forget: () => void;
};

export function useSessionNotices(input: {
  verdict: Verdict;
  clerk: Pick<ClerkAuthState, "isLoaded" | "isSignedIn" | "sessionId">;
  remembered: RememberedSession;
  report: (event: RecoveryEvent) => void;
  onSessionEnded: (info: SessionEndedInfo) => void;
}): void {
  const { verdict, clerk, remembered, report, onSessionEnded } = input;
  // An ended session: tell the app once, forget it, never loop.
  const endedReported = useRef<string | null>(null);
  useEffect(() => {
    const sessionId = clerk.sessionId;
    if (verdict !== "session_ended" || !sessionId) return;
    if (endedReported.current === sessionId) return;
    endedReported.current = sessionId;
    remembered.forget();
    report({ action: "session_ended", attempt: 0, verdict, sessionId });
    onSessionEnded({ sessionId });
  }, [verdict, clerk.sessionId, remembered, report, onSessionEnded]);

  // Remember the session Convex confirmed; forget it on a sign-out seen here.
  const sawSignedIn = useRef(false);
  useEffect(() => {
    if (verdict === "in_sync" && clerk.sessionId) {
      if (remembered.sessionId !== clerk.sessionId) {
        remembered.remember(clerk.sessionId);
      }
    }
  }, [verdict, clerk.sessionId, remembered]);
  useEffect(() => {
    if (clerk.isSignedIn) {
      sawSignedIn.current = true;
    } else if (clerk.isLoaded && sawSignedIn.current) {
      // An intentional sign-out, not a cold start that failed to restore.
      sawSignedIn.current = false;
      remembered.forget();
    }
  }, [clerk.isLoaded, clerk.isSignedIn, remembered]);

  // Cold start: Clerk signed out while the remembered session is live.
  const notRestoredReported = useRef<string | null>(null);
  useEffect(() => {
    const sessionId = remembered.sessionId;
    if (!sessionId || clerk.isSignedIn || !clerk.isLoaded) return;
    if (verdict === "clerk_session_not_restored") {
      if (notRestoredReported.current === sessionId) return;
      notRestoredReported.current = sessionId;
      report({
        action: "clerk_session_not_restored",
        attempt: 0,
        verdict,
        sessionId,
      });
    } else if (verdict === "signed_out" || verdict === "convex_stale_session") {
      // The store says that session is over: nothing to restore.
      remembered.forget();
    }
  }, [verdict, clerk.isLoaded, clerk.isSignedIn, remembered, report]);
}
