/**
 * The server-side half: refuse a request whose Clerk session has ended, even
 * while its JWT is still valid.
 */
import type { ComponentApi } from "../../component/_generated/component.js";
import { isTerminalStatus } from "../../shared/sessionValidators.js";
import { sessionError } from "./errors.js";
import {
  isClerkToken,
  sessionIdClaim,
  sessionStatusClaim,
  tokenVouchesForSession,
  type AuthQueryCtx,
} from "./identity.js";

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
  /**
   * A session that is `pending` (a sign-in with a task left, such as choosing
   * an organization), by its token's `sts` claim or the store: `"deny"`
   * (default) refuses it with `SESSION_PENDING`, as Clerk's own server
   * helpers treat it as signed out; `"allow"` lets it through.
   */
  pendingSessions?: "allow" | "deny";
  /**
   * An impersonated session (an `act` claim in the token, or an actor the
   * store recorded): `"allow"` (default) lets it through, `"deny"` refuses
   * it with `SESSION_IMPERSONATED`, for the app's sensitive functions.
   */
  impersonatedSessions?: "allow" | "deny";
};

/** Who is calling, once their session checked out. */
export type ActiveSession = { userId: string; sessionId: string | null };

/**
 * Asks for one refresh of a session's lifetime from Clerk's Backend API, in
 * a checked mutation or action (a query cannot schedule). Built by
 * `ClerkSessions` from its `sessionRefresh` option.
 */
export type RefreshRequest = (
  ctx: AuthQueryCtx,
  sessionId: string,
) => Promise<void>;

function refusePending(options: VerifierOptions): void {
  if (options.pendingSessions !== "allow") {
    throw sessionError("SESSION_PENDING", "The session is pending");
  }
}

function refuseImpersonated(options: VerifierOptions): void {
  if (options.impersonatedSessions === "deny") {
    throw sessionError("SESSION_IMPERSONATED", "The session is impersonated");
  }
}

/**
 * The checks in order: a token at all, from the Clerk issuer, not pending or
 * impersonated by its own claims, then the store: another owner, ended by
 * what Clerk reported or by the user's deletion, a passed lifetime (which a
 * token whose `sts` says active or pending outranks), pending (unless the
 * token's own `sts` says otherwise), impersonated, unknown. One component
 * query: two index lookups (the session and the user's deletion record), one
 * for a session Clerk reported ended.
 */
export async function requireActiveSession(
  ctx: AuthQueryCtx,
  component: ComponentApi,
  options: VerifierOptions & {
    issuer?: string;
    requestRefresh?: RefreshRequest;
  } = {},
): Promise<ActiveSession> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) {
    throw sessionError("UNAUTHENTICATED", "Not signed in");
  }
  if (!isClerkToken(identity, options.issuer)) {
    throw sessionError(
      "UNAUTHENTICATED",
      "The token is not from the Clerk issuer",
    );
  }
  if (sessionStatusClaim(identity) === "pending") refusePending(options);
  // Any `act` claim counts, even one whose shape is not Clerk's: under
  // "deny" an impersonation is refused rather than guessed away.
  if (identity["act"] != null) {
    refuseImpersonated(options);
  }
  const userId = identity.subject;
  const sessionId = sessionIdClaim(identity);
  if (sessionId === null && options.legacyTokens === "deny") {
    throw sessionError(
      "SESSION_UNKNOWN",
      "The token has no sid claim; use Clerk's Convex integration",
    );
  }
  const { session, userDeleted } = await ctx.runQuery(
    component.sessions.forToken,
    { sessionId, userId },
  );
  if (session !== null && session.userId !== userId) {
    // A session's owner never changes: a token naming another user for it
    // is refused, whatever `unknownSessions` says.
    throw sessionError(
      "SESSION_UNKNOWN",
      "The session belongs to another user",
    );
  }
  if (session !== null && isTerminalStatus(session.status)) {
    throw sessionError("SESSION_ENDED", `The session is ${session.status}`);
  }
  if (userDeleted) {
    throw sessionError("SESSION_ENDED", "Clerk deleted this user");
  }
  if (session !== null && session.lapsed !== null && sessionId !== null) {
    // The stored lifetime has passed. A live token of the session is
    // fresher evidence (Clerk may have extended it on activity, and sends
    // no webhook for that): let it through and have the store catch up.
    if (!tokenVouchesForSession(identity)) {
      throw sessionError("SESSION_ENDED", `The session is ${session.lapsed}`);
    }
    await options.requestRefresh?.(ctx, sessionId);
  }
  if (session === null) {
    if (sessionId !== null && options.unknownSessions === "deny") {
      throw sessionError("SESSION_UNKNOWN", "No record of this session yet");
    }
    return { userId, sessionId };
  }
  // The token's own `sts` is fresher than the store: Clerk sends no webhook
  // when a pending session becomes active.
  if (session.status === "pending" && sessionStatusClaim(identity) === null) {
    refusePending(options);
  }
  if (session.impersonated) refuseImpersonated(options);
  return { userId, sessionId };
}
