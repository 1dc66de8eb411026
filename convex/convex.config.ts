import { defineApp } from "convex/server";
// An app outside this repo writes: import clerkSessions from "convex-clerk-sessions/convex.config";
import clerkSessions from "../src/component/convex.config.js";

const app = defineApp();
app.use(clerkSessions);

export default app;
