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
  /** App data read by the verifier's bare and checked queries alike. */
  notes: defineTable({ userId: v.string(), text: v.string() }).index(
    "by_user_id",
    ["userId"],
  ),
});
