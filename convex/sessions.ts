import { ClerkSessions } from "../src/client/core/index.js";
import { components, internal } from "./_generated/api.js";

// Annotated: `internal` below refers back to this module.
export const clerkSessions: ClerkSessions = new ClerkSessions(
  components.clerkSessions,
  {
    onEvent: internal.sessionEvents.record,
    // Clerk may extend a session on activity without a webhook: a live
    // token past the stored expiry has the store catch up from Clerk's API.
    sessionRefresh: internal.clerkSync.refreshSession,
  },
);

export const { whoami, sessionStatus, prune } = clerkSessions.api();
