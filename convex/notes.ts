import { v } from "convex/values";
import { sessionMutation, sessionQuery } from "./sessionFunctions.js";

export const add = sessionMutation({
  args: { text: v.string() },
  returns: v.null(),
  handler: async (ctx, { text }) => {
    await ctx.db.insert("notes", { userId: ctx.session.userId, text });
    return null;
  },
});

export const mine = sessionQuery({
  args: {},
  returns: v.array(v.string()),
  handler: async (ctx) => {
    const notes = await ctx.db
      .query("notes")
      .withIndex("by_user_id", (q) => q.eq("userId", ctx.session.userId))
      .take(100);
    return notes.map((note) => note.text);
  },
});
