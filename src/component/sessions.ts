import { v } from "convex/values";
import { vStoredSession } from "../shared/validators.js";
import { query } from "./_generated/server.js";
import { findSession, toStoredSession } from "./store.js";

/** One session by its Clerk id, or null when no webhook reported it. */
export const get = query({
  args: { sessionId: v.string() },
  returns: v.union(vStoredSession, v.null()),
  handler: async (ctx, { sessionId }) => {
    const doc = await findSession(ctx.db, sessionId);
    return doc && toStoredSession(doc);
  },
});
