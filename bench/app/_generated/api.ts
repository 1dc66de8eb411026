/* eslint-disable */
/**
 * Generated `api` utility for the benchmark app.
 *
 * Kept by hand in the shape `npx convex codegen` writes; the module list is
 * checked against the folder by tests/generated.test.ts.
 * @module
 */

import type * as http from "../http.js";
import type * as measure from "../measure.js";
import type * as reference from "../reference.js";
import type * as referenceWithDedupe from "../referenceWithDedupe.js";
import type * as sessions from "../sessions.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";

const fullApi: ApiFromModules<{
  http: typeof http;
  measure: typeof measure;
  reference: typeof reference;
  referenceWithDedupe: typeof referenceWithDedupe;
  sessions: typeof sessions;
}> = anyApi as any;

export const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
> = anyApi as any;

export const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
> = anyApi as any;

export const components = componentsGeneric() as unknown as {
  clerkSessions: import("../../../src/component/_generated/component.js").ComponentApi<"clerkSessions">;
};
