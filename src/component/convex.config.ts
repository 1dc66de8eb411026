import { defineComponent } from "convex/server";
import workpool from "@convex-dev/workpool/convex.config.js";

const component = defineComponent("clerkSessions");
// Runs the batches of a `user.deleted` that do not fit its webhook's
// transaction, retried with backoff until every session is marked.
component.use(workpool, { name: "deletionPool" });

export default component;
