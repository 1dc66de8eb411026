/**
 * The Backend API rules added with Clerk's SDK: one retry budget per action
 * (shared by all its requests), a `Retry-After` beyond the walk's cap ends
 * the walk as failed, the walk reads only users who can hold a live session,
 * and one session's refresh takes Clerk's current lifetime. Real HTTP to the
 * fake API on 127.0.0.1, reached through the SDK's `apiUrl`.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import { componentTables, exampleApp } from "../fixtures/exampleApp.js";
import type { ExampleApp } from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  addUsers,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { ClerkSessions } from "../src/client/core/index.js";
import {
  ClerkApi,
  DEFAULT_SESSION_LIFETIME_MS,
  WALK_MAX_RETRY_AFTER_MS,
} from "../src/client/clerkApi/index.js";

const DAY = 86_400_000;
const NOW = Date.now();

let t: ExampleApp;
let clerk: FakeClerk;
beforeEach(async () => {
  clerk = await startFakeClerk();
  vi.stubEnv("CLERK_SECRET_KEY", FAKE_SECRET_KEY);
  vi.stubEnv("CLERK_API_URL", clerk.url);
  vi.spyOn(console, "warn").mockImplementation(() => {});
  t = exampleApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await clerk.close();
});

const clerkSessions = new ClerkSessions(components.clerkSessions);
const stored = async (sessionId: string) =>
  (await componentTables(t)).sessions.find((s) => s.sessionId === sessionId);

describe("one retry budget per action", () => {
  test("25 revokes answered 429 share a 2 s budget: 2 retries in all, not 3 each", async () => {
    const ids = Array.from({ length: 25 }, (_, i) => `sess_${i}`);
    for (const id of ids) {
      clerk.sessions.push(clerkSessionJson(id, "user_1", "active", NOW));
    }
    clerk.failure = { kind: "rate_limited", retryAfterSeconds: 1 };
    const thrifty = new ClerkApi(clerkSessions, { retryBudgetMs: 2_000 });
    const started = Date.now();
    const outcomes = await t.action(async (ctx) => {
      const settled = await Promise.allSettled(
        ids.map((sessionId) => thrifty.revokeSession(ctx, { sessionId })),
      );
      return settled.map((outcome) => outcome.status);
    });
    expect(outcomes.every((status) => status === "rejected")).toBe(true);
    expect(clerk.requests).toHaveLength(25 + 2);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  test("sequential calls of one action draw on the same budget", async () => {
    clerk.failure = { kind: "unavailable" };
    // Backoff starts at 250 ms: one retry fits in 400 ms, a second does not.
    const thrifty = new ClerkApi(clerkSessions, { retryBudgetMs: 400 });
    await t.action(async (ctx) => {
      for (const userId of ["user_1", "user_2"]) {
        await thrifty.syncUserSessions(ctx, { userId }).catch(() => null);
      }
    });
    expect(clerk.requests).toHaveLength(3);
  });
});

describe("pacing under Clerk's rate limit", () => {
  test("past the bucket's 20 requests, each waits its turn at 20 per 10 s: no burst reaches Clerk", async () => {
    const ids = Array.from({ length: 24 }, (_, i) => `sess_${i}`);
    for (const id of ids) {
      clerk.sessions.push(clerkSessionJson(id, "user_1", "active", NOW));
    }
    const sentAt: number[] = [];
    clerk.respond = () => {
      sentAt.push(Date.now());
      return undefined;
    };
    const paced = new ClerkApi(clerkSessions, { requestsPer10s: 20 });
    await t.action(async (ctx) => {
      await Promise.all(
        ids.map((sessionId) => paced.revokeSession(ctx, { sessionId })),
      );
    });
    expect(sentAt).toHaveLength(24);
    sentAt.sort((a, b) => a - b);
    // 20 at once from a full bucket, then one every 500 ms.
    const first = sentAt[0] ?? 0;
    expect((sentAt[23] ?? 0) - first).toBeGreaterThanOrEqual(1_900);
    expect((sentAt[19] ?? 0) - first).toBeLessThan(1_000);
  });
});

/** Starts a walk and lets every step it schedules run; returns its record. */
async function walk(api: ClerkApi, pageSize = 100) {
  await t
    .action((ctx) =>
      api.syncAllUsers(ctx, { pageSize, next: internal.clerkSync.syncAll }),
    )
    .catch(() => null);
  await t.finishAllScheduledFunctions(() => {});
  return await t.query(internal.clerkSync.status, {});
}

describe("a walk", () => {
  test(`a Retry-After beyond ${WALK_MAX_RETRY_AFTER_MS / 60_000} minutes ends it as failed with its code, never a wait of a year`, async () => {
    addUsers(clerk, "user_1");
    clerk.failure = { kind: "rate_limited", retryAfterSeconds: 365 * 86_400 };
    const status = await walk(new ClerkApi(clerkSessions));
    expect(status).toMatchObject({
      state: "failed",
      failure: { code: "CLERK_RATE_LIMITED", status: 429, attempts: 1 },
    });
    expect(status?.finishedAt).not.toBeNull();
    // The page and its count, asked together, and no retry.
    expect([...clerk.requests].sort()).toEqual([
      "GET /v1/users",
      "GET /v1/users/count",
    ]);
  });

  test("reads only users active within the session lifetime (and a day more)", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3", "user_4");
    const quiet = clerk.users.slice(2);
    for (const user of quiet) user["last_active_at"] = NOW - 30 * DAY;
    for (const user of clerk.users) {
      clerk.sessions.push(
        clerkSessionJson(`sess_${user.id}`, user.id, "active", NOW),
      );
    }
    const status = await walk(new ClerkApi(clerkSessions));
    expect(status).toMatchObject({ state: "done", users: 2, totalCount: 2 });
    const since = Number(
      new URLSearchParams(clerk.urls[0]?.split("?")[1]).get(
        "last_active_at_after",
      ),
    );
    const expected =
      (status?.startedAt ?? 0) - DEFAULT_SESSION_LIFETIME_MS - DAY;
    expect(since).toBe(expected);
    expect(clerk.requests.filter((r) => r === "GET /v1/sessions")).toHaveLength(
      2,
    );
  });

  test("with sessionLifetimeMs: null, every user is read", async () => {
    addUsers(clerk, "user_1", "user_2");
    for (const user of clerk.users) user["last_active_at"] = NOW - 30 * DAY;
    const status = await walk(
      new ClerkApi(clerkSessions, { sessionLifetimeMs: null }),
    );
    expect(status).toMatchObject({ state: "done", users: 2 });
    expect(clerk.urls[0]).not.toContain("last_active_at_after");
  });

  test("passes Clerk's current expire_at and abandon_at of live sessions on", async () => {
    addUsers(clerk, "user_1");
    const session = clerkSessionJson("sess_1", "user_1", "active", NOW);
    session.expire_at = NOW + 3 * DAY;
    session.abandon_at = NOW + 40 * DAY;
    clerk.sessions.push(session);
    await walk(new ClerkApi(clerkSessions));
    expect(await stored("sess_1")).toMatchObject({
      expireAt: NOW + 3 * DAY,
      abandonAt: NOW + 40 * DAY,
    });
  });
});

describe("refreshSession", () => {
  test("takes the session's current lifetime from Clerk", async () => {
    const session = clerkSessionJson("sess_1", "user_1", "active", NOW - DAY);
    clerk.sessions.push(session);
    await t.action(internal.clerkSync.refreshSession, { sessionId: "sess_1" });
    expect((await stored("sess_1"))?.expireAt).toBe(NOW);
    // Clerk slid the lifetime on activity, and sent no webhook for it.
    session.updated_at = NOW;
    session.expire_at = NOW + DAY;
    session.abandon_at = NOW + 30 * DAY;
    const after = await t.action(internal.clerkSync.refreshSession, {
      sessionId: "sess_1",
    });
    expect(after).toMatchObject({
      sessionId: "sess_1",
      status: "active",
      expireAt: NOW + DAY,
      abandonAt: NOW + 30 * DAY,
    });
    expect(clerk.requests).toEqual([
      "GET /v1/sessions/sess_1",
      "GET /v1/sessions/sess_1",
    ]);
  });

  test("a session Clerk does not have changes nothing and answers null", async () => {
    expect(
      await t.action(internal.clerkSync.refreshSession, {
        sessionId: "sess_unknown",
      }),
    ).toBeNull();
    expect((await componentTables(t)).sessions).toEqual([]);
  });
});
