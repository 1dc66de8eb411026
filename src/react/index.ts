export {
  ConvexProviderWithClerkSessions,
  type ConvexProviderWithClerkSessionsProps,
} from "./ConvexProviderWithClerkSessions.js";
export {
  useSessionSync,
  type SessionQueries,
  type SessionSync,
} from "./useSessionSync.js";
export {
  useSessionRecovery,
  type SessionEndedInfo,
  type SessionRecoveryState,
} from "./SessionRecovery.js";
export {
  DEFAULT_RECOVERY,
  type RecoveryError,
  type RecoveryEvent,
  type RecoveryOptions,
  type RecoveryStatus,
} from "./recoveryPolicy.js";
export type { SessionStorage } from "./rememberedSession.js";
export {
  useSessionDiagnostics,
  type DiagnosticsEntry,
  type DiagnosticsSides,
  type SessionDiagnostics,
} from "./diagnostics/index.js";
export {
  sessionFingerprint,
  type ClerkAuthState,
  type UseClerkAuth,
} from "./clerkAuth.js";
export {
  compareSessions,
  VERDICTS,
  type Verdict,
} from "../client/core/compareSessions.js";
