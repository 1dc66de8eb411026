/**
 * The server-side half: refuse a request whose Clerk session has ended, even
 * while its JWT is still valid.
 */
import type { ComponentApi } from "../component/_generated/component.js";
import { isTerminalStatus } from "../shared/sessionValidators.js";
import { sessionError } from "./errors.js";
import { sessionIdClaim, type AuthQueryCtx } from "./identity.js";

export type VerifierOptions = {
  /**
   * A session no webhook has reported yet: `"allow"` (default) lets it
   * through, since `session.created` may simply not have arrived.
   */
  unknownSessions?: "allow" | "deny";
  /**
   * A token without a `sid` claim (the legacy "convex" JWT template):
   * `"allow"` (default) trusts the token alone, `"deny"` refuses it.
   */
  legacyTokens?: "allow" | "deny";
};

/** Who is calling, once their session checked out. */
export type ActiveSession = { userId: string; sessionId: string | null };

export async function requireActiveSession(
  ctx: AuthQueryCtx,
  component: ComponentApi,
  options: VerifierOptions = {},
): Promise<ActiveSession> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw sessionError("UNAUTHENTICATED", "Not signed in");
  }
  const userId = identity.subject;
  const sessionId = sessionIdClaim(identity);
  if (sessionId === null) {
    if (options.legacyTokens === "deny") {
      throw sessionError(
        "SESSION_UNKNOWN",
        "The token has no sid claim; use Clerk's Convex integration",
      );
    }
    return { userId, sessionId: null };
  }
  const stored = await ctx.runQuery(component.sessions.get, { sessionId });
  if (stored === null || stored.userId !== userId) {
    if (options.unknownSessions === "deny") {
      throw sessionError("SESSION_UNKNOWN", "No record of this session yet");
    }
    return { userId, sessionId };
  }
  if (isTerminalStatus(stored.status)) {
    throw sessionError("SESSION_ENDED", `The session is ${stored.status}`);
  }
  return { userId, sessionId };
}
