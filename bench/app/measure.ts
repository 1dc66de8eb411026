/**
 * Wrappers that run one unit of work and report the transaction's metrics
 * (index lookups, documents and bytes read and written), as convex-test
 * counts them.
 */
import { v } from "convex/values";
import { vSessionEvent } from "../../src/shared/eventValidators.js";
import { components, internal } from "./_generated/api.js";
import { componentProbe } from "./probeReferences.js";
import {
  internalMutation,
  mutation,
  query,
  type QueryCtx,
} from "./_generated/server.js";
import { clerkSessions, sessionQuery } from "./sessions.js";

const vMetrics = v.object({
  documentsRead: v.number(),
  documentsWritten: v.number(),
  bytesRead: v.number(),
  bytesWritten: v.number(),
  databaseQueries: v.number(),
});

async function used(ctx: {
  meta: { getTransactionMetrics(): Promise<Record<string, { used: number }>> };
}) {
  const metrics = await ctx.meta.getTransactionMetrics();
  return {
    documentsRead: metrics.documentsRead?.used ?? 0,
    documentsWritten: metrics.documentsWritten?.used ?? 0,
    bytesRead: metrics.bytesRead?.used ?? 0,
    bytesWritten: metrics.bytesWritten?.used ?? 0,
    databaseQueries: metrics.databaseQueries?.used ?? 0,
  };
}

export const applyEvent = mutation({
  args: { event: vSessionEvent },
  returns: vMetrics,
  handler: async (ctx, args) => {
    await ctx.runMutation(components.clerkSessions.events.apply, args);
    return await used(ctx);
  },
});

export const referenceUpsert = mutation({
  args: { data: v.any() },
  returns: vMetrics,
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.reference.upsertFromClerk, args);
    return await used(ctx);
  },
});

/** `applyEvent` with the component mutation's work taken out. */
export const applyEventEmpty = mutation({
  args: { event: vSessionEvent },
  returns: vMetrics,
  handler: async (ctx, args) => {
    await ctx.runMutation(componentProbe.emptyApply, args);
    return await used(ctx);
  },
});

/** The reference's upsert with its work taken out: same `v.any()` argument, no `returns`. */
export const referenceEmptyUpsert = internalMutation({
  args: { data: v.any() },
  handler: async () => {},
});

/** `referenceUpsert` with the upsert's work taken out. */
export const referenceEmpty = mutation({
  args: { data: v.any() },
  returns: vMetrics,
  handler: async (ctx, args) => {
    await ctx.runMutation(internal.measure.referenceEmptyUpsert, args);
    return await used(ctx);
  },
});

export const whoami = query({
  args: {},
  returns: vMetrics,
  handler: async (ctx) => {
    await clerkSessions.whoami(ctx);
    return await used(ctx);
  },
});

export const sessionStatus = query({
  args: { sessionId: v.string() },
  returns: vMetrics,
  handler: async (ctx, args) => {
    await clerkSessions.sessionStatus(ctx, args);
    return await used(ctx);
  },
});

/** The app's own work in both verifier queries: the caller's latest notes. */
async function latestNotes(ctx: QueryCtx, userId: string) {
  return await ctx.db
    .query("notes")
    .withIndex("by_user_id", (q) => q.eq("userId", userId))
    .order("desc")
    .take(10);
}

/** The query without the verifier: any valid token may read. */
export const notesBare = query({
  args: {},
  returns: vMetrics,
  handler: async (ctx) => {
    const identity = await ctx.auth.getUserIdentity();
    if (identity === null) throw new Error("not signed in");
    await latestNotes(ctx, identity.subject);
    return await used(ctx);
  },
});

/** The same query through `customCtx`: the session must not have ended. */
export const notesVerified = sessionQuery({
  args: {},
  returns: vMetrics,
  handler: async (ctx) => {
    await latestNotes(ctx, ctx.session.userId);
    return await used(ctx);
  },
});
