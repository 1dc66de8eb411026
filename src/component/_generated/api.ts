/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type * as deletionBatches from "../deletionBatches.js";
import type * as events from "../events.js";
import type * as membershipState from "../membershipState.js";
import type * as membershipStore from "../membershipStore.js";
import type * as memberships from "../memberships.js";
import type * as notify from "../notify.js";
import type * as organizations from "../organizations.js";
import type * as pace from "../pace.js";
import type * as refreshes from "../refreshes.js";
import type * as retention from "../retention.js";
import type * as sessionState from "../sessionState.js";
import type * as sessions from "../sessions.js";
import type * as store from "../store.js";
import type * as sync from "../sync.js";
import type * as users from "../users.js";

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";

const fullApi: ApiFromModules<{
  deletionBatches: typeof deletionBatches;
  events: typeof events;
  membershipState: typeof membershipState;
  membershipStore: typeof membershipStore;
  memberships: typeof memberships;
  notify: typeof notify;
  organizations: typeof organizations;
  pace: typeof pace;
  refreshes: typeof refreshes;
  retention: typeof retention;
  sessionState: typeof sessionState;
  sessions: typeof sessions;
  store: typeof store;
  sync: typeof sync;
  users: typeof users;
}> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's public API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
export const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
> = anyApi as any;

/**
 * A utility for referencing Convex functions in your app's internal API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = internal.myModule.myFunction;
 * ```
 */
export const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
> = anyApi as any;

export const components = componentsGeneric() as unknown as {
  deletionPool: import("@convex-dev/workpool/_generated/component.js").ComponentApi<"deletionPool">;
  backendApiLimiter: import("@convex-dev/rate-limiter/_generated/component.js").ComponentApi<"backendApiLimiter">;
};
