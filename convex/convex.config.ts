import { defineApp } from "convex/server";
import clerkSessions from "../src/component/convex.config.js";

const app = defineApp();
app.use(clerkSessions);

export default app;
