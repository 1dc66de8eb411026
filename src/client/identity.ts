/**
 * App-side reads that need `ctx.auth`, which components cannot see: the
 * caller's identity is read here and only ids are passed to the component.
 */
import type { GenericActionCtx, GenericDataModel } from "convex/server";
import type { ComponentApi } from "../component/_generated/component.js";
import type {
  SessionStatusResult,
  Whoami,
} from "../shared/resultValidators.js";

/** What queries, mutations and actions all have: the caller and `runQuery`. */
export type AuthQueryCtx = Pick<
  GenericActionCtx<GenericDataModel>,
  "auth" | "runQuery"
>;

/** The `sid` claim of a Clerk session token; null for tokens without one. */
export function sessionIdClaim(
  identity: Record<string, unknown>,
): string | null {
  const sid = identity["sid"];
  return typeof sid === "string" && sid !== "" ? sid : null;
}

export async function whoami(
  ctx: AuthQueryCtx,
  component: ComponentApi,
): Promise<Whoami> {
  const identity = await ctx.auth.getUserIdentity();
  if (identity === null) return { authenticated: false };
  const sessionId = sessionIdClaim(identity);
  const stored =
    sessionId === null
      ? null
      : await ctx.runQuery(component.sessions.get, { sessionId });
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
): Promise<SessionStatusResult> {
  const stored = await ctx.runQuery(component.sessions.get, { sessionId });
  if (stored === null) {
    return {
      sessionId,
      status: "unknown",
      updatedAt: null,
      endedAt: null,
      expireAt: null,
    };
  }
  const publicFields = {
    sessionId,
    status: stored.status,
    updatedAt: stored.updatedAt,
    endedAt: stored.endedAt,
    expireAt: stored.expireAt,
  };
  const identity = await ctx.auth.getUserIdentity();
  if (identity?.subject !== stored.userId) return publicFields;
  return {
    ...publicFields,
    userId: stored.userId,
    clientId: stored.clientId,
    device: stored.device,
    actor: stored.actor,
  };
}
