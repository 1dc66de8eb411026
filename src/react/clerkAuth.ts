/**
 * What this package needs from Clerk's `useAuth()`, in React and in Expo
 * alike. Structural, so any Clerk SDK's hook fits without importing it.
 */
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

/** Claims that change with every token refresh, left out of the fingerprint. */
const PER_TOKEN_CLAIMS = new Set(["exp", "iat", "nbf", "jti"]);

/**
 * A fingerprint of the claims that describe the session (not the token), so
 * a change of org, role or any custom claim makes Convex fetch a new token,
 * but an ordinary refresh of the same session does not.
 */
export function sessionClaimsKey(
  claims: Record<string, unknown> | null | undefined,
): string {
  if (!claims) return "";
  const entries = Object.entries(claims)
    .filter(([key]) => !PER_TOKEN_CLAIMS.has(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(entries);
}
