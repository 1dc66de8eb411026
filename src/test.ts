/**
 * Registers the clerkSessions component with a convex-test instance, for apps
 * that test their own functions.
 *
 * @example
 * import { convexTest } from "convex-test";
 * import clerkSessionsTest from "convex-clerk-sessions/test";
 * const t = convexTest(schema, modules);
 * clerkSessionsTest.register(t);
 */
import type { TestConvex } from "convex-test";
import type { GenericSchema, SchemaDefinition } from "convex/server";
import rateLimiterTest from "@convex-dev/rate-limiter/test";
import workpoolTest from "@convex-dev/workpool/test";
import schema from "./component/schema.js";

const modules = import.meta.glob("./component/**/*.*s");

/** The component's own child components, as its convex.config.ts uses them. */
export function registerChildren(
  t: TestConvex<SchemaDefinition<GenericSchema, boolean>>,
  name: string = "clerkSessions",
): void {
  workpoolTest.register(t, `${name}/deletionPool`);
  rateLimiterTest.register(t, `${name}/backendApiLimiter`);
}

export function register(
  t: TestConvex<SchemaDefinition<GenericSchema, boolean>>,
  name: string = "clerkSessions",
): void {
  t.registerComponent(name, schema, modules);
  registerChildren(t, name);
}

export default { register, registerChildren, schema, modules };
