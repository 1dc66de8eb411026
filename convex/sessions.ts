import { ClerkSessions } from "../src/client/core/index.js";
import { components, internal } from "./_generated/api.js";

// Annotated: `internal` below refers back to this module.
export const clerkSessions: ClerkSessions = new ClerkSessions(
  components.clerkSessions,
  {
    onEvent: internal.sessionEvents.record,
  },
);

export const { whoami, sessionStatus, prune } = clerkSessions.api();
