/**
 * Backfill and revoke through Clerk's Backend API, over real HTTP against a
 * fake API on 127.0.0.1, including its failure modes.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components, internal } from "../convex/_generated/api.js";
import { BASE_TIME, clerkSessionEvent } from "../fixtures/clerkEvents.js";
import {
  componentTables,
  exampleApp,
  post,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  isClerkApiError,
  isSessionError,
} from "../src/client/index.js";

let t: ExampleApp;
let clerk: FakeClerk;
beforeEach(async () => {
  clerk = await startFakeClerk();
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  vi.stubEnv("CLERK_SECRET_KEY", FAKE_SECRET_KEY);
  vi.stubEnv("CLERK_API_URL", clerk.url);
  t = exampleApp();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await clerk.close();
});

const me = () => t.withIdentity({ subject: "user_1", sid: "sess_1" });
const statuses = async () =>
  Object.fromEntries(
    (await componentTables(t)).sessions.map((s) => [s.sessionId, s.status]),
  );

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isClerkApiError(error) || isSessionError(error)) return error.data.code;
    throw error;
  }
  return "ok";
}

describe("backfill", () => {
  test("a user's sessions are read from Clerk and stored, device without IP", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", BASE_TIME),
      clerkSessionJson("sess_2", "user_1", "ended", BASE_TIME),
      clerkSessionJson("sess_9", "user_2", "active", BASE_TIME),
    );
    const result = await me().action(api.devices.syncMine, {});
    expect(result).toEqual({ fetched: 2, applied: 2, stale: 0, skipped: 0 });
    expect(await statuses()).toEqual({ sess_1: "active", sess_2: "ended" });
    expect(JSON.stringify(await componentTables(t))).not.toContain(
      "198.51.100.4",
    );
    const records = await t.run((ctx) =>
      ctx.db.query("sessionEvents").collect(),
    );
    expect(records.map((r) => r.type)).toEqual(["clerk.sync", "clerk.sync"]);
  });

  test("a backfill never resurrects a session the store knows ended", async () => {
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.revoked", {
          sessionId: "sess_1",
          userId: "user_1",
          updatedAt: BASE_TIME + 5,
        }),
      ).init,
    );
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", BASE_TIME + 9),
    );
    const result = await t
      .withIdentity({ subject: "user_1", sid: "sess_new" })
      .action(api.devices.syncMine, {});
    expect(result).toMatchObject({ applied: 0, stale: 1 });
    expect(await statuses()).toEqual({ sess_1: "revoked" });
  });

  test("every page is read: 250 sessions take three requests", async () => {
    for (let i = 0; i < 250; i++)
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", BASE_TIME + i),
      );
    const result = await me().action(api.devices.syncMine, {});
    expect(result).toMatchObject({ fetched: 250, applied: 250 });
    expect(clerk.requests.filter((r) => r === "GET /v1/sessions")).toHaveLength(
      3,
    );
  });

  test("a status this package does not know is skipped, not stored", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "brand_new_status", BASE_TIME),
    );
    expect(await me().action(api.devices.syncMine, {})).toEqual({
      fetched: 1,
      applied: 0,
      stale: 0,
      skipped: 1,
    });
    expect(await statuses()).toEqual({});
  });

  test("syncAll walks every user, one page per run, scheduling the next", async () => {
    clerk.userIds.push("user_1", "user_2", "user_3");
    for (const userId of clerk.userIds)
      clerk.sessions.push(
        clerkSessionJson(`sess_${userId}`, userId, "active", BASE_TIME),
      );
    const clerkSessions = new ClerkSessions(components.clerkSessions);
    const first = await t.action(async (ctx) =>
      clerkSessions.syncAllUsers(ctx, {
        pageSize: 2,
        next: internal.clerkSync.syncAll,
      }),
    );
    expect(first).toMatchObject({ users: 2, applied: 2, nextOffset: 2 });
    const scheduled = await t.run((ctx) =>
      ctx.db.system.query("_scheduled_functions").collect(),
    );
    expect(scheduled.map((job) => [job.name, job.args])).toEqual([
      ["clerkSync:syncAll", [{ offset: 2 }]],
    ]);
    expect(await t.action(internal.clerkSync.syncAll, { offset: 2 })).toEqual({
      users: 1,
      applied: 1,
      nextOffset: null,
    });
    expect(Object.keys(await statuses()).sort()).toEqual([
      "sess_user_1",
      "sess_user_2",
      "sess_user_3",
    ]);
  });
});

describe("revoke", () => {
  test("signing out a device revokes it at Clerk and the verifier refuses it at once", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", BASE_TIME),
      clerkSessionJson("sess_2", "user_1", "active", BASE_TIME),
    );
    await me().action(api.devices.syncMine, {});
    const revoked = await me().action(api.devices.signOutDevice, {
      sessionId: "sess_2",
    });
    expect(revoked).toMatchObject({ sessionId: "sess_2", status: "revoked" });
    expect(clerk.requests).toContain("POST /v1/sessions/sess_2/revoke");
    const other = t.withIdentity({ subject: "user_1", sid: "sess_2" });
    expect(await errorCode(other.mutation(api.notes.add, { text: "x" }))).toBe(
      "SESSION_ENDED",
    );
  });

  test("a session of another user cannot be signed out", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_9", "user_2", "active", BASE_TIME),
    );
    await t
      .withIdentity({ subject: "user_2", sid: "sess_9" })
      .action(api.devices.syncMine, {});
    await expect(
      me().action(api.devices.signOutDevice, { sessionId: "sess_9" }),
    ).rejects.toThrow(/Not a session of yours/);
    expect(clerk.requests).not.toContain("POST /v1/sessions/sess_9/revoke");
  });
});

describe("failures: a clear error, and nothing written", () => {
  beforeEach(() => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", BASE_TIME),
    );
  });

  async function expectFailure(code: string, run: () => Promise<unknown>) {
    const before = await componentTables(t);
    expect(await errorCode(run())).toBe(code);
    expect(await componentTables(t)).toEqual(before);
  }

  test("401: the secret key is wrong", async () => {
    vi.stubEnv("CLERK_SECRET_KEY", "sk_test_wrong");
    await expectFailure("CLERK_UNAUTHORIZED", () =>
      me().action(api.devices.syncMine, {}),
    );
  });

  test("429: rate limited, with Retry-After passed on", async () => {
    clerk.failure = { kind: "rate_limited", retryAfterSeconds: 30 };
    await expectFailure("CLERK_RATE_LIMITED", () =>
      me().action(api.devices.syncMine, {}),
    );
    try {
      await me().action(api.devices.syncMine, {});
    } catch (error: unknown) {
      expect(isClerkApiError(error) && error.data).toMatchObject({
        status: 429,
        retryAfterSeconds: 30,
      });
    }
  });

  test("5xx: Clerk unavailable", async () => {
    clerk.failure = { kind: "unavailable" };
    await expectFailure("CLERK_UNAVAILABLE", () =>
      me().action(api.devices.syncMine, {}),
    );
  });

  test("a hung request times out", async () => {
    clerk.failure = { kind: "hang" };
    const quick = new ClerkSessions(components.clerkSessions, {
      clerkApi: { timeoutMs: 200 },
    });
    await expectFailure("CLERK_TIMEOUT", () =>
      t.action((ctx) => quick.syncUserSessions(ctx, { userId: "user_1" })),
    );
  });

  test("a failure on the second page writes nothing from the first", async () => {
    for (let i = 2; i < 150; i++)
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", BASE_TIME),
      );
    clerk.failure = { kind: "unavailable", afterRequests: 1 };
    await expectFailure("CLERK_UNAVAILABLE", () =>
      me().action(api.devices.syncMine, {}),
    );
    expect(clerk.requests).toEqual(["GET /v1/sessions", "GET /v1/sessions"]);
  });

  test("revoke that fails leaves the session as it was", async () => {
    await me().action(api.devices.syncMine, {});
    clerk.failure = { kind: "unavailable" };
    await expectFailure("CLERK_UNAVAILABLE", () =>
      me().action(api.devices.signOutDevice, { sessionId: "sess_1" }),
    );
    expect(await statuses()).toEqual({ sess_1: "active" });
  });

  test("no secret key configured", async () => {
    vi.stubEnv("CLERK_SECRET_KEY", "");
    await expectFailure("CLERK_NOT_CONFIGURED", () =>
      me().action(api.devices.syncMine, {}),
    );
  });
});
