/**
 * The bench app (bench/app) on convex-test, built as fixtures/convexTestApp.ts
 * builds an app, with one more module in the component: the empty probe of
 * componentProbe.ts.
 */
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
 * the bench's empty probe (componentProbe.ts).
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

export function benchApp(transactionLimits?: TransactionLimits) {
  const t = convexTest({
    schema,
    modules: appModules,
    ...(transactionLimits === undefined ? {} : { transactionLimits }),
  });
  t.registerComponent(
    "clerkSessions",
    clerkSessionsTest.schema,
    componentModules,
  );
  clerkSessionsTest.registerChildren(t, "clerkSessions");
  return t as TestApp;
}
