/**
 * The baseline: a Clerk webhook handled the way the Convex docs' Clerk
 * example does it. The HTTP action verifies with svix and hands the event's
 * `data` to one upsert mutation, whose `v.any()` argument trusts Clerk.
 * No dedupe, no ordering, no tombstones.
 */
import { httpActionGeneric } from "convex/server";
import { v } from "convex/values";
import { Webhook } from "svix";
import { internal } from "./_generated/api.js";
import { internalMutation, type MutationCtx } from "./_generated/server.js";

export type ClerkSessionData = {
  id: string;
  user_id: string;
  status: string;
  updated_at: number;
};
type ClerkEvent = { type: string; data: ClerkSessionData };

export async function upsertSession(ctx: MutationCtx, data: ClerkSessionData) {
  const session = {
    sessionId: data.id,
    userId: data.user_id,
    status: data.status,
    updatedAt: data.updated_at,
  };
  const existing = await ctx.db
    .query("referenceSessions")
    .withIndex("by_session_id", (q) => q.eq("sessionId", session.sessionId))
    .unique();
  if (existing === null) await ctx.db.insert("referenceSessions", session);
  else await ctx.db.patch(existing._id, session);
}

export const upsertFromClerk = internalMutation({
  args: { data: v.any() },
  handler: async (ctx, { data }: { data: ClerkSessionData }) => {
    await upsertSession(ctx, data);
  },
});

/** svix's verification exactly as the docs call it; null when it fails. */
export async function validateRequest(
  request: Request,
): Promise<ClerkEvent | null> {
  const payload = await request.text();
  const headers = {
    "svix-id": request.headers.get("svix-id") ?? "",
    "svix-timestamp": request.headers.get("svix-timestamp") ?? "",
    "svix-signature": request.headers.get("svix-signature") ?? "",
  };
  const secret = process.env.CLERK_WEBHOOK_SIGNING_SECRET ?? "";
  try {
    return new Webhook(secret).verify(payload, headers) as ClerkEvent;
  } catch (error) {
    console.error("Error verifying webhook event", error);
    return null;
  }
}

/** Listed here, not imported from the package: the baseline borrows none of its code. */
export const SESSION_TYPES = [
  "session.created",
  "session.ended",
  "session.removed",
  "session.revoked",
];

export const referenceWebhook = httpActionGeneric(async (ctx, request) => {
  const event = await validateRequest(request);
  if (event === null) return new Response("Error occurred", { status: 400 });
  if (SESSION_TYPES.includes(event.type)) {
    await ctx.runMutation(internal.reference.upsertFromClerk, {
      data: event.data,
    });
  } else {
    console.log("Ignored Clerk webhook event", event.type);
  }
  return new Response(null, { status: 200 });
});
