/**
 * App-side reads that need `ctx.auth`, which components cannot see: the
 * caller's identity is read here and only ids are passed to the component.
 */
import type {
  GenericActionCtx,
  GenericDataModel,
  UserIdentity,
} from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import type {
  SessionStatusResult,
  Whoami,
} from "../../shared/resultValidators.js";

/** What queries, mutations and actions all have: the caller and `runQuery`. */
export type AuthQueryCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "auth" | "runQuery"
>;

/** The env var Clerk's Convex integration sets to its issuer (Frontend API URL). */
export const ISSUER_ENV_VAR = "CLERK_JWT_ISSUER_DOMAIN";

/** An issuer URL compared without trailing slashes. */
function normalizeIssuer(issuer: string): string {
  return issuer.trim().replace(/\/+$/, "");
}

/**
 * The Clerk issuer: the `issuer` option, else `CLERK_JWT_ISSUER_DOMAIN`, read
 * at call time. Null when neither is set: then every token counts as Clerk's.
 */
export function clerkIssuer(issuer: string | undefined): string | null {
  const configured = issuer ?? process.env[ISSUER_ENV_VAR];
  if (configured === undefined || configured.trim() === "") return null;
  return normalizeIssuer(configured);
}

/** Whether a token comes from the Clerk issuer (any token when none is known). */
export function isClerkToken(
  identity: Pick<UserIdentity, "issuer">,
  issuer: string | undefined,
): boolean {
  const expected = clerkIssuer(issuer);
  return expected === null || normalizeIssuer(identity.issuer) === expected;
}

/** The `sid` claim of a Clerk session token; null for tokens without one. */
export function sessionIdClaim(
  identity: Record<string, unknown>,
): string | null {
  const sid = identity["sid"];
  return typeof sid === "string" && sid !== "" ? sid : null;
}

/** The `sts` claim (session status) of a Clerk session token, when present. */
export function sessionStatusClaim(
  identity: Record<string, unknown>,
): string | null {
  const sts = identity["sts"];
  return typeof sts === "string" ? sts : null;
}

/**
 * Whether the token vouches for its own session being live: a Clerk token
 * (Convex checked its signature and expiry) whose `sts` says `active` or
 * `pending`. Such a token outranks a stored lifetime that has passed, since
 * Clerk may extend a session on activity without a webhook. A session Clerk
 * really expired can pass for at most one token lifetime (60 s for Clerk's
 * session tokens): Clerk mints no new token for it.
 */
export function tokenVouchesForSession(
  identity: Record<string, unknown>,
): boolean {
  const sts = sessionStatusClaim(identity);
  return (
    (sts === "active" || sts === "pending") && sessionIdClaim(identity) !== null
  );
}

export async function whoami(
  ctx: AuthQueryCtx,
  component: ComponentApi,
  options: { issuer?: string } = {},
): Promise<Whoami> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) return { authenticated: false };
  // A token of another trusted provider has no Clerk session.
  const sessionId = isClerkToken(identity, options.issuer)
    ? sessionIdClaim(identity)
    : null;
  const stored =
    sessionId === null
      ? null
      : await ctx.runQuery(component.sessions.get, {
          sessionId,
          liveToken: tokenVouchesForSession(identity),
        });
  return {
    authenticated: true,
    userId: identity.subject,
    sessionId,
    tokenIdentifier: identity.tokenIdentifier,
    issuer: identity.issuer,
    session: {
      status: stored?.status ?? "unknown",
      updatedAt: stored?.updatedAt ?? null,
    },
  };
}

export async function sessionStatus(
  ctx: AuthQueryCtx,
  component: ComponentApi,
  sessionId: string,
  options: { issuer?: string } = {},
): Promise<SessionStatusResult> {
  const identity = await ctx.auth.getUserIdentity();
  const clerkIdentity =
    identity !== null && isClerkToken(identity, options.issuer)
      ? identity
      : null;
  // The caller's own live token of this session outranks a passed lifetime.
  const liveToken =
    clerkIdentity !== null &&
    sessionIdClaim(clerkIdentity) === sessionId &&
    tokenVouchesForSession(clerkIdentity);
  const stored = await ctx.runQuery(component.sessions.get, {
    sessionId,
    liveToken,
  });
  if (stored === null) {
    return {
      sessionId,
      status: "unknown",
      updatedAt: null,
      endedAt: null,
      expireAt: null,
      derivedFromTime: false,
    };
  }
  const publicFields = {
    sessionId,
    status: stored.status,
    updatedAt: stored.updatedAt,
    endedAt: stored.endedAt,
    expireAt: stored.expireAt,
    derivedFromTime: stored.derivedFromTime === true,
  };
  // Another trusted provider's token may carry the same subject: only a
  // Clerk token of the session's own user sees who and where.
  const isOwner =
    clerkIdentity !== null && clerkIdentity.subject === stored.userId;
  if (!isOwner) return publicFields;
  return {
    ...publicFields,
    userId: stored.userId,
    clientId: stored.clientId,
    device: stored.device,
    actor: stored.actor,
  };
}
