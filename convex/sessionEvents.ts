import { vSessionChange } from "../src/client/index.js";
import { v } from "convex/values";
import { internalMutation } from "./_generated/server.js";

/** Called by the component, in the same transaction, for every change it makes. */
export const record = internalMutation({
  args: vSessionChange,
  returns: v.null(),
  handler: async (ctx, { type, before, after }) => {
    await ctx.db.insert("sessionEvents", {
      type,
      sessionId: after.sessionId,
      before,
      after,
    });
    return null;
  },
});
