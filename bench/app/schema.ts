import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";

export default defineSchema({
  /** The reference handler's table: one row per session, upserted by id. */
  referenceSessions: defineTable({
    sessionId: v.string(),
    userId: v.string(),
    status: v.string(),
    updatedAt: v.number(),
  }).index("by_session_id", ["sessionId"]),
  /** Svix message ids the deduping variant of the reference has applied. */
  referenceMessages: defineTable({ svixId: v.string() }).index("by_svix_id", [
    "svixId",
  ]),
});
