/** Each verdict in the words a developer would use, for the devtools panel. */
import type { Verdict } from "../client/core/compareSessions.js";

/** Every verdict has its words; a verdict added later (an org mismatch) may be listed ahead. */
export const VERDICT_MEANINGS: Record<Verdict, string> &
  Record<string, string> = {
  loading: "Clerk has not loaded yet, or a query is on its way.",
  signed_out: "Both sides agree that nobody is signed in.",
  in_sync:
    "Convex sees the session Clerk reports, and the server says it is live.",
  convex_unauthenticated:
    "Clerk is signed in, but Convex has no identity: the token was not fetched, or Convex refused it.",
  convex_stale_session:
    "Convex still holds a token of another session than Clerk's (or Clerk signed out and Convex did not).",
  convex_stale_org:
    "Convex's token is of Clerk's session, but on another organization than Clerk's client.",
  session_ended:
    "Clerk's client still shows a session the server knows has ended: sign out of Clerk.",
  no_session_claim:
    "Convex's token has no sid claim (the legacy \"convex\" JWT template): switch to Clerk's Convex integration.",
  clerk_session_not_restored:
    "Clerk came up signed out, but the session Convex last confirmed on this device is still live.",
};
