/**
 * What the diagnostics timeline holds: what the provider saw of each side,
 * as plain data. Session and org ids appear (the developer needs them on
 * screen); a token or a claim's value never does.
 */
import type { Verdict } from "../../client/core/compareSessions.js";
import type { SessionStatus } from "../../shared/sessionValidators.js";
import type { RecoveryEvent, RecoveryStatus } from "../recoveryPolicy.js";

/** Clerk's client, as its `useAuth()` reports it. */
export type ClerkSide = {
  isLoaded: boolean;
  isSignedIn: boolean | null;
  sessionId: string | null;
  orgId: string | null;
};

/** convex's client: its auth state and its socket. */
export type ConvexSide = {
  isLoading: boolean;
  isAuthenticated: boolean;
  /** Null when the client cannot tell (convex before subscribeToConnectionState). */
  connected: boolean | null;
  connectionCount: number | null;
  connectionRetries: number | null;
};

/** The server's record: what `whoami` and `sessionStatus` of Clerk's session answer. */
export type ServerSide = {
  /** Null while `whoami` loads. */
  authenticated: boolean | null;
  /** The session of the token Convex holds (null for none or no `sid`). */
  convexSessionId: string | null;
  /** The stored status of the token's session. */
  convexSessionStatus: SessionStatus | null;
  /** The stored status of Clerk's current session; null while unknown. */
  clerkSessionStatus: SessionStatus | null;
};

/** The recovery loop's state, as `useSessionRecovery()` shows it. */
export type RecoverySide = {
  status: RecoveryStatus;
  attempts: number;
  errorCode: string | null;
};

export type FetchOutcomeKind = "token" | "no_token" | "error";

export type DiagnosticsEntry = { at: number } & (
  | ({ kind: "clerk" } & ClerkSide)
  | ({ kind: "convex" } & ConvexSide)
  | ({ kind: "server" } & ServerSide)
  | {
      kind: "token_fetch";
      /** convex's client asked for a fresh token (`forceRefreshToken`). */
      forced: boolean;
      /** The fetch skipped Clerk's token cache. */
      skipCache: boolean;
      outcome: FetchOutcomeKind;
      durationMs: number;
      /** Names of the claims that differ from the last token's; null for the first token. */
      changedClaims: string[] | null;
      /** The fetch's error message (tokens scrubbed), for outcome "error". */
      error: string | null;
    }
  | { kind: "verdict"; verdict: Verdict; previous: Verdict | null }
  | {
      kind: "recovery";
      action: RecoveryEvent["action"] | "recover_called" | "recover_failed";
      attempt: number | null;
      errorCode: string | null;
    }
  | ({ kind: "recovery_status" } & RecoverySide)
);

export type DiagnosticsKind = DiagnosticsEntry["kind"];

/** Everything the provider knows now, beside the timeline. */
export type DiagnosticsSides = {
  clerk: ClerkSide | null;
  convex: ConvexSide | null;
  server: ServerSide | null;
  verdict: Verdict | null;
  recovery: RecoverySide | null;
};
