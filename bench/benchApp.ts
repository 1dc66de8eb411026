/**
 * The bench app (bench/app) on convex-test, built as fixtures/convexTestApp.ts
 * builds an app, with one more module in the component: the probes of
 * componentProbe.ts. `validateComponentSchema: false` turns off the check of
 * the component's documents against its schema, for the unvalidated probe.
 */
import { defineSchema } from "convex/server";
import { convexTest } from "convex-test";
import {
  importOnce,
  type TestApp,
  type TransactionLimits,
} from "../fixtures/convexTestApp.js";
import clerkSessionsTest from "../src/test.js";
import schema from "./app/schema.js";

export const appModules = importOnce(import.meta.glob("./app/**/*.*s"));

/** Where the component's modules sit in its module map. */
const componentRoot = Object.keys(clerkSessionsTest.modules)
  .find((path) => path.includes("_generated"))!
  .split("_generated")[0]!;

/**
 * The component's modules, the test functions the fixtures add to it, and
 * the bench's probes (componentProbe.ts).
 */
export const componentModules = importOnce({
  ...clerkSessionsTest.modules,
  [`${componentRoot}testSnapshot.ts`]: () =>
    import("../fixtures/componentTestFunctions.js"),
  [`${componentRoot}benchProbe.ts`]: () => import("./componentProbe.js"),
});

/**
 * Imports every function module up front: outside vitest, Vite's module
 * runner sets a timer on each first import, and Convex forbids timers inside
 * a mutation.
 */
export async function preloadBenchModules(): Promise<void> {
  await Promise.all(
    Object.entries({ ...appModules, ...componentModules })
      .filter(([path]) => !path.includes("convex.config"))
      .map(([, load]) => load()),
  );
}

/** The component's tables, their documents not checked on write. */
const unvalidatedComponentSchema = defineSchema(
  clerkSessionsTest.schema.tables,
  {
    schemaValidation: false,
  },
);

export function benchApp(
  transactionLimits?: TransactionLimits,
  { validateComponentSchema = true } = {},
) {
  const t = convexTest({
    schema,
    modules: appModules,
    ...(transactionLimits === undefined ? {} : { transactionLimits }),
  });
  t.registerComponent(
    "clerkSessions",
    validateComponentSchema
      ? clerkSessionsTest.schema
      : unvalidatedComponentSchema,
    componentModules,
  );
  clerkSessionsTest.registerChildren(t, "clerkSessions");
  return t as TestApp;
}
