/**
 * `<SessionDiagnosticsPanel />`, for web apps under
 * `ConvexProviderWithClerkSessions`: Clerk's client, convex's client and the
 * server's record side by side, the verdict in words, the timeline, and a
 * "Recover now" button. It lives in its own entry, so an app that does not
 * import it carries none of it.
 */
import { useContext, useState } from "react";
import { useSessionDiagnostics } from "../react/diagnostics/index.js";
import { SessionRecoveryContext } from "../react/SessionRecovery.js";
import { SideCard, styles, TimelineList } from "./panelParts.js";
import { VERDICT_MEANINGS } from "./verdictMeanings.js";

const yesNo = (value: boolean | null | undefined) =>
  value === null || value === undefined ? "?" : value ? "yes" : "no";

/**
 * @example
 * import { SessionDiagnosticsPanel } from "convex-clerk-sessions/devtools";
 * {import.meta.env.DEV && <SessionDiagnosticsPanel />}
 */
export function SessionDiagnosticsPanel() {
  const { sides, timeline, report } = useSessionDiagnostics();
  // Without the provider's `queries` there is no recovery to drive.
  const recovery = useContext(SessionRecoveryContext);
  const [outcome, setOutcome] = useState<string | null>(null);
  const { clerk, convex, server } = sides;
  const verdict = recovery?.verdict ?? sides.verdict;

  const recoverNow = () => {
    if (!recovery) return;
    setOutcome("recovering...");
    recovery.recover().then(
      () => setOutcome("Convex confirmed Clerk's session"),
      (error: unknown) =>
        setOutcome(error instanceof Error ? error.message : String(error)),
    );
  };
  const copyReport = () => {
    void navigator.clipboard?.writeText(report());
  };

  return (
    <div style={styles.panel} role="region" aria-label="Session diagnostics">
      <div>
        verdict:{" "}
        <b data-testid="verdict">{verdict ?? "not known (no queries)"}</b>{" "}
        {verdict ? VERDICT_MEANINGS[verdict] : null}
      </div>
      <div style={styles.sides}>
        <SideCard
          title="Clerk's client"
          side="clerk"
          rows={[
            ["loaded", yesNo(clerk?.isLoaded)],
            ["signed in", yesNo(clerk?.isSignedIn)],
            ["session", clerk?.sessionId ?? "none"],
            ["org", clerk?.orgId ?? "none"],
          ]}
        />
        <SideCard
          title="convex's client"
          side="convex"
          rows={[
            [
              "auth",
              convex
                ? convex.isLoading
                  ? "loading"
                  : convex.isAuthenticated
                    ? "authenticated"
                    : "unauthenticated"
                : "?",
            ],
            [
              "socket",
              yesNo(convex?.connected) === "yes"
                ? "connected"
                : "not connected",
            ],
            ["connections", convex?.connectionCount ?? "?"],
            ["retries", convex?.connectionRetries ?? "?"],
          ]}
        />
        <SideCard
          title="the server's record"
          side="server"
          rows={[
            [
              "whoami",
              server
                ? server.authenticated === null
                  ? "loading"
                  : server.authenticated
                    ? "authenticated"
                    : "unauthenticated"
                : "not read",
            ],
            ["token's session", server?.convexSessionId ?? "none"],
            ["its status", server?.convexSessionStatus ?? "-"],
            ["Clerk's session status", server?.clerkSessionStatus ?? "-"],
          ]}
        />
      </div>
      <div>
        recovery:{" "}
        <b>
          {recovery
            ? `${recovery.status} (${recovery.attempts} tries)`
            : "off (no queries)"}
        </b>
        {recovery?.error
          ? ` ${recovery.error.code}: ${recovery.error.message}`
          : null}
      </div>
      <div style={{ margin: "8px 0" }}>
        <button
          type="button"
          style={styles.button}
          onClick={recoverNow}
          disabled={!recovery}
        >
          Recover now
        </button>
        <button type="button" style={styles.button} onClick={copyReport}>
          Copy report
        </button>
        <span data-testid="recover-outcome">{outcome}</span>
      </div>
      <TimelineList timeline={timeline} />
    </div>
  );
}
