/**
 * Pacing of the app's requests to Clerk's Backend API, on
 * `@convex-dev/rate-limiter`: one token bucket for the instance, as Clerk
 * limits the whole instance (100 requests per 10 s on development
 * instances, 1,000 on production), so a steady walk never meets a 429.
 */
import { RateLimiter } from "@convex-dev/rate-limiter";
import { v } from "convex/values";
import { components } from "./_generated/api.js";
import { mutation } from "./_generated/server.js";

const limiter = new RateLimiter(components.backendApiLimiter);
const PERIOD_MS = 10_000;

/**
 * Reserves `requests` of the bucket and answers how long to wait before
 * sending them (0: at once). Reserved capacity is never given back, so
 * concurrent callers queue up behind each other instead of bursting.
 */
export const reserve = mutation({
  args: { requests: v.number(), perTenSeconds: v.number() },
  returns: v.number(),
  handler: async (ctx, { requests, perTenSeconds }) => {
    if (!Number.isInteger(requests) || requests < 1 || requests > 100) {
      throw new Error("requests must be a whole number from 1 to 100");
    }
    if (!Number.isInteger(perTenSeconds) || perTenSeconds < requests) {
      throw new Error(
        "perTenSeconds must be a whole number, at least requests",
      );
    }
    const { retryAfter } = await limiter.limit(ctx, "clerkBackendApi", {
      count: requests,
      reserve: true,
      config: {
        kind: "token bucket",
        rate: perTenSeconds,
        period: PERIOD_MS,
        capacity: perTenSeconds,
      },
    });
    return retryAfter ?? 0;
  },
});
