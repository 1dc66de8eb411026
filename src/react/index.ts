export {
  ConvexProviderWithClerkSessions,
  type ConvexProviderWithClerkSessionsProps,
  type RecoveryEvent,
  type RecoveryOptions,
} from "./ConvexProviderWithClerkSessions.js";
export {
  useSessionSync,
  type SessionQueries,
  type SessionSync,
} from "./useSessionSync.js";
export type { ClerkAuthState, UseClerkAuth } from "./clerkAuth.js";
export {
  compareSessions,
  VERDICTS,
  type Verdict,
} from "../client/compareSessions.js";
