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
import schema from "./component/schema.js";

const modules = import.meta.glob("./component/**/*.*s");

export function register(
  t: TestConvex<SchemaDefinition<GenericSchema, boolean>>,
  name: string = "clerkSessions",
): void {
  t.registerComponent(name, schema, modules);
}

export default { register, schema, modules };
