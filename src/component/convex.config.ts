import { defineComponent } from "convex/server";
import rateLimiter from "@convex-dev/rate-limiter/convex.config.js";
import workpool from "@convex-dev/workpool/convex.config.js";

const component = defineComponent("clerkSessions");
// Runs the batches of a `user.deleted` that do not fit its webhook's
// transaction, retried with backoff until every session is marked.
component.use(workpool, { name: "deletionPool" });
// Paces the app's requests to Clerk's Backend API under Clerk's rate limit.
component.use(rateLimiter, { name: "backendApiLimiter" });

export default component;
