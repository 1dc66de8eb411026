/**
 * `defineSessionEventHandler`: the app's `onEvent` mutation from one handler
 * per kind of change. An app whose handlers cover some kinds receives real
 * webhooks (signed with svix) and a sync with a fake Clerk API on 127.0.0.1.
 */
import { anyApi, httpRouter } from "convex/server";
import {
  afterEach,
  beforeEach,
  describe,
  expect,
  expectTypeOf,
  test,
  vi,
} from "vitest";
import { components } from "../convex/_generated/api.js";
import { internalMutation } from "../convex/_generated/server.js";
import schema from "../convex/schema.js";
import {
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  convexTestApp,
  importOnce,
  post,
  type TestApp,
} from "../fixtures/convexTestApp.js";
import {
  FAKE_SECRET_KEY,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  defineSessionEventHandler,
  type EndedSession,
  type OnEventMutation,
  type SessionChange,
  type SessionChangeArgs,
  type SessionChangeOf,
  type StoredSession,
} from "../src/client/core/index.js";
import { toSessionChange } from "../src/client/core/sessionEvents.js";
import { ClerkApi } from "../src/client/clerkApi/index.js";
import { registerRoutes } from "../src/client/webhook/index.js";

/**
 * Handlers for some kinds only; each records the kind it was registered for,
 * so a change routed to the wrong handler shows. `session.pending` and
 * `session.removed` have none.
 */
const record = defineSessionEventHandler(internalMutation, {
  "session.created": async (ctx, change) => {
    await ctx.db.insert("sessionEvents", {
      type: "session.created",
      sessionId: change.after.sessionId,
      before: change.before,
      after: change.after,
    });
  },
  "session.revoked": async (ctx, change) => {
    await ctx.db.insert("sessionEvents", {
      type: "session.revoked",
      sessionId: change.after.sessionId,
      before: change.before,
      after: change.after,
    });
  },
  "session.ended": async (ctx, { before, after }) => {
    if (after.sessionId === "sess_refused") {
      throw new Error("this app refuses to let sess_refused end");
    }
    await ctx.db.insert("sessionEvents", {
      type: "session.ended",
      sessionId: after.sessionId,
      before,
      after,
    });
  },
  "user.deleted": async (ctx, { before, after }) => {
    await ctx.db.insert("sessionEvents", {
      type: "user.deleted",
      sessionId: after.sessionId,
      before,
      after,
    });
  },
  "clerk.sync": async (ctx, change) => {
    await ctx.db.insert("sessionEvents", {
      type: "clerk.sync",
      sessionId: change.after.sessionId,
      before: change.before,
      after: change.after,
    });
  },
});

const clerkSessions = new ClerkSessions(components.clerkSessions, {
  onEvent: (anyApi as unknown as Record<string, Record<string, unknown>>)[
    "typedEvents"
  ]?.["record"] as OnEventMutation,
});
const http = httpRouter();
registerRoutes(http, clerkSessions);

const appModules = importOnce({
  ...import.meta.glob("../convex/**/*.*s"),
  "../convex/http.ts": () => Promise.resolve({ default: http }),
  "../convex/typedEvents.ts": () => Promise.resolve({ record }),
});

let t: TestApp;
let clerk: FakeClerk;
beforeEach(async () => {
  clerk = await startFakeClerk();
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  vi.stubEnv("CLERK_SECRET_KEY", FAKE_SECRET_KEY);
  vi.stubEnv("CLERK_API_URL", clerk.url);
  t = convexTestApp(schema, appModules);
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await clerk.close();
});

const NOW = Date.now();
const deliver = async (
  type: Parameters<typeof clerkSessionEvent>[0],
  sessionId: string,
  minutesAgo: number,
) =>
  (
    await post(
      t,
      signedDelivery(
        clerkSessionEvent(type, {
          sessionId,
          userId: "user_1",
          updatedAt: NOW - minutesAgo * 60_000,
        }),
      ).init,
    )
  ).body.result;
const recorded = async () =>
  (await t.run((ctx) => ctx.db.query("sessionEvents").collect())).map((r) => [
    r.type,
    r.sessionId,
    r.before?.status ?? null,
    r.after.status,
  ]);
const stored = async () =>
  Object.fromEntries(
    (await componentTables(t)).sessions.map((s) => [s.sessionId, s.status]),
  );

describe("from webhooks and syncs to the handler of each kind", () => {
  test("each kind reaches the handler registered for it, with before and after", async () => {
    await deliver("session.created", "sess_A", 50);
    await deliver("session.revoked", "sess_A", 40);
    await deliver("session.ended", "sess_B", 30);
    clerk.sessions.push(
      clerkSessionJson("sess_C", "user_1", "active", NOW - 20 * 60_000),
    );
    await t.action((ctx) =>
      new ClerkApi(clerkSessions).syncUserSessions(ctx, { userId: "user_1" }),
    );
    await post(
      t,
      signedDelivery(clerkUserDeletedEvent("user_1", NOW - 10 * 60_000)).init,
    );
    const events = await recorded();
    expect(events.slice(0, 4)).toEqual([
      ["session.created", "sess_A", null, "active"],
      ["session.revoked", "sess_A", "active", "revoked"],
      ["session.ended", "sess_B", null, "ended"],
      ["clerk.sync", "sess_C", null, "active"],
    ]);
    // The deletion ends the one session still live.
    expect(events.slice(4)).toEqual([
      ["user.deleted", "sess_C", "active", "removed"],
    ]);
  });

  test("a kind without a handler is ignored, and its change still applies", async () => {
    expect(await deliver("session.pending", "sess_P", 30)).toBe("applied");
    expect(await deliver("session.removed", "sess_P", 20)).toBe("applied");
    expect(await stored()).toEqual({ sess_P: "removed" });
    expect(await recorded()).toEqual([]);
  });

  test("a handler that throws rolls its change back: nothing stored, the webhook fails for Svix to retry", async () => {
    await deliver("session.created", "sess_refused", 30);
    const answer = await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.ended", {
          sessionId: "sess_refused",
          userId: "user_1",
          updatedAt: NOW - 20 * 60_000,
        }),
      ).init,
    );
    expect(answer.status).toBe(500);
    expect(await stored()).toEqual({ sess_refused: "active" });
    expect(await recorded()).toEqual([
      ["session.created", "sess_refused", null, "active"],
    ]);
  });
});

describe("toSessionChange: what the validator cannot check", () => {
  const session = (status: StoredSession["status"]): StoredSession => ({
    sessionId: "sess_A",
    userId: "user_1",
    clientId: null,
    status,
    createdAt: NOW,
    updatedAt: NOW,
    lastActiveAt: null,
    expireAt: null,
    abandonAt: null,
    endedAt: status === "active" ? null : NOW,
    device: null,
    actor: null,
  });

  test("a change that fits its kind passes through unchanged", () => {
    const change: SessionChangeArgs = {
      type: "user.deleted",
      before: session("active"),
      after: session("removed"),
    };
    expect(toSessionChange(change)).toBe(change);
    const created: SessionChangeArgs = {
      type: "session.created",
      before: null,
      after: session("active"),
    };
    expect(toSessionChange(created)).toBe(created);
  });

  test("an ending kind whose session is still live is refused", () => {
    expect(() =>
      toSessionChange({
        type: "session.ended",
        before: null,
        after: session("active"),
      }),
    ).toThrow("A session.ended change must end the session");
  });

  test("user.deleted without a session before it is refused", () => {
    expect(() =>
      toSessionChange({
        type: "user.deleted",
        before: null,
        after: session("removed"),
      }),
    ).toThrow("A user.deleted change must have a session before it");
  });
});

test("types: each kind is its own case, narrowed", () => {
  expectTypeOf<SessionChange["type"]>().toEqualTypeOf<
    SessionChangeArgs["type"]
  >();
  expectTypeOf<SessionChange>().toExtend<SessionChangeArgs>();
  expectTypeOf<
    SessionChangeOf<"user.deleted">["before"]
  >().toEqualTypeOf<StoredSession>();
  expectTypeOf<
    SessionChangeOf<"session.created">["before"]
  >().toEqualTypeOf<StoredSession | null>();
  expectTypeOf<
    SessionChangeOf<"session.revoked">["after"]
  >().toEqualTypeOf<EndedSession>();
  expectTypeOf<
    SessionChangeOf<"session.revoked">["after"]["status"]
  >().toEqualTypeOf<
    "ended" | "removed" | "revoked" | "expired" | "abandoned" | "replaced"
  >();
  expectTypeOf<
    SessionChangeOf<"clerk.sync">["type"]
  >().toEqualTypeOf<"clerk.sync">();
  defineSessionEventHandler(internalMutation, {
    // @ts-expect-error: not a kind of change
    "session.updated": () => {},
  });
  defineSessionEventHandler(internalMutation, {
    "user.deleted": (_ctx, change) => {
      // @ts-expect-error: a deleted user's change always has a session before it
      expectTypeOf(change.before).toEqualTypeOf<StoredSession | null>();
    },
  });
});
