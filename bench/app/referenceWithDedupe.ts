/**
 * The reference handler plus the cheapest possible dedupe: one lookup and one
 * insert in a table of svix message ids, in the upsert's transaction. It
 * prices dedupe alone, without ordering, tombstones or payload checks.
 */
import { httpActionGeneric } from "convex/server";
import { v } from "convex/values";
import { internal } from "./_generated/api.js";
import { internalMutation } from "./_generated/server.js";
import {
  SESSION_TYPES,
  upsertSession,
  validateRequest,
  type ClerkSessionData,
} from "./reference.js";

export const upsertOnce = internalMutation({
  args: { svixId: v.string(), data: v.any() },
  handler: async (ctx, args: { svixId: string; data: ClerkSessionData }) => {
    const seen = await ctx.db
      .query("referenceMessages")
      .withIndex("by_svix_id", (q) => q.eq("svixId", args.svixId))
      .unique();
    if (seen !== null) return;
    await upsertSession(ctx, args.data);
    await ctx.db.insert("referenceMessages", { svixId: args.svixId });
  },
});

export const dedupingWebhook = httpActionGeneric(async (ctx, request) => {
  const verified = await validateRequest(request);
  if (verified === null) return new Response("Error occurred", { status: 400 });
  const { svixId, event } = verified;
  if (SESSION_TYPES.includes(event.type)) {
    await ctx.runMutation(internal.referenceWithDedupe.upsertOnce, {
      svixId,
      data: event.data,
    });
  }
  return new Response(null, { status: 200 });
});
