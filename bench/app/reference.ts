/**
 * The baseline: a Clerk webhook handled the way the Convex docs' Clerk
 * example does it — verify with svix, then one upsert — with no dedupe, no
 * ordering and no tombstones.
 */
import { httpActionGeneric } from "convex/server";
import { v } from "convex/values";
import { Webhook } from "svix";
import { internal } from "./_generated/api.js";
import { internalMutation } from "./_generated/server.js";

export const upsertSession = internalMutation({
  args: {
    sessionId: v.string(),
    userId: v.string(),
    status: v.string(),
    updatedAt: v.number(),
  },
  returns: v.null(),
  handler: async (ctx, session) => {
    const existing = await ctx.db
      .query("referenceSessions")
      .withIndex("by_session_id", (q) => q.eq("sessionId", session.sessionId))
      .unique();
    if (existing === null) await ctx.db.insert("referenceSessions", session);
    else await ctx.db.patch(existing._id, session);
    return null;
  },
});

type ClerkSessionPayload = {
  type: string;
  data: { id: string; user_id: string; status: string; updated_at: number };
};

export const referenceWebhook = httpActionGeneric(async (ctx, request) => {
  const payload = await request.text();
  const headers = {
    "svix-id": request.headers.get("svix-id") ?? "",
    "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
    "svix-signature": request.headers.get("svix-signature") ?? "",
  };
  let event: ClerkSessionPayload;
  try {
    event = new Webhook(process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? "").verify(
      payload,
      headers,
    ) as ClerkSessionPayload;
  } catch {
    return new Response("Error occurred", { status: 400 });
  }
  if (event.type.startsWith("session.")) {
    await ctx.runMutation(internal.reference.upsertSession, {
      sessionId: event.data.id,
      userId: event.data.user_id,
      status: event.data.status,
      updatedAt: event.data.updated_at,
    });
  }
  return new Response(null, { status: 200 });
});
