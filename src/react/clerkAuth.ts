/**
 * What this package needs from Clerk's `useAuth()`, in React and in Expo
 * alike, and what it reads from Clerk's session claims and tokens.
 */

/** Structural, so any Clerk SDK's hook fits without importing it. */
export type ClerkAuthState = {
  isLoaded: boolean;
  isSignedIn: boolean | undefined;
  sessionId: string | null | undefined;
  orgId?: string | null | undefined;
  orgRole?: string | null | undefined;
  sessionClaims?: Record<string, unknown> | null | undefined;
  getToken: (options?: {
    template?: string;
    skipCache?: boolean;
  }) => Promise<string | null>;
};

export type UseClerkAuth = () => ClerkAuthState;

/** Clerk's Convex integration issues session tokens with `aud: "convex"`. */
export function usesConvexIntegration(
  claims: Record<string, unknown> | null | undefined,
): boolean {
  const aud = claims?.aud;
  return aud === "convex" || (Array.isArray(aud) && aud.includes("convex"));
}

/**
 * Claims that describe the session rather than one token: who, which
 * session, its status, the audience, and the active organization with its
 * role and permissions (Clerk's v1 names and v2's compact `o`).
 */
const SESSION_CLAIMS = [
  "sub",
  "sid",
  "sts",
  "aud",
  "org_id",
  "org_role",
  "org_slug",
  "org_permissions",
  "o",
] as const;

/**
 * A fingerprint of the session the claims describe. A new fingerprint makes
 * Convex fetch a new token; per-token claims (`iat`, `exp`, `nbf`, `jti`,
 * `fva`, ...) are never part of it, so a routine refresh leaves Convex alone.
 *
 * @param extraClaims custom claims of the app's session token that should
 *   also make Convex fetch a new token when they change.
 */
export function sessionFingerprint(
  claims: Record<string, unknown> | null | undefined,
  extraClaims: readonly string[] = [],
): string {
  if (!claims) return "";
  const names = [...SESSION_CLAIMS, ...extraClaims];
  return JSON.stringify(names.map((name) => claims[name] ?? null));
}

/** The payload of a JWT, unverified; null when it is not one. */
export function decodeTokenClaims(
  token: string | null | undefined,
): Record<string, unknown> | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(
        atob(base64),
        (c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
      ).join(""),
    );
    const claims: unknown = JSON.parse(json);
    return typeof claims === "object" && claims !== null
      ? (claims as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Why Convex will refuse, or not tie to a session, a token: configuration, not a blip. */
export type TokenProblem = {
  code: "TOKEN_AUDIENCE" | "TOKEN_WITHOUT_SID";
  message: string;
};

/**
 * Looks at a token the provider handed Convex and says what in the app's
 * configuration makes Convex refuse it; null when nothing does.
 */
export function diagnoseToken(token: string | null): TokenProblem | null {
  const claims = decodeTokenClaims(token);
  if (claims === null) return null;
  if (!usesConvexIntegration(claims)) {
    return {
      code: "TOKEN_AUDIENCE",
      message: `The token's audience is ${JSON.stringify(claims.aud ?? null)}, but convex/auth.config.ts expects "convex": turn on Clerk's Convex integration (or give the "convex" JWT template aud "convex").`,
    };
  }
  if (typeof claims.sid !== "string") {
    return {
      code: "TOKEN_WITHOUT_SID",
      message:
        'The token has no sid claim, so Convex cannot tell which Clerk session it is: switch from the legacy "convex" JWT template to Clerk\'s Convex integration.',
    };
  }
  return null;
}
