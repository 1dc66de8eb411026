/**
 * Sync, backfill and revoke through Clerk's Backend API, over real HTTP
 * against a fake API on 127.0.0.1 that answers in Clerk's published shapes,
 * including the ways a real API or network misbehaves.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components, internal } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import {
  componentTables,
  exampleApp,
  post,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  addUsers,
  clerkErrors,
  clerkSessionJson,
  startFakeClerk,
  type ClerkSessionJson,
  type FakeAnswer,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { PUBLISHED_PAYLOADS } from "../fixtures/clerkPublished/index.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  isClerkApiError,
  isSessionError,
} from "../src/client/core/index.js";
import {
  ClerkApi,
  type SyncAllUsersArgs,
} from "../src/client/clerkApi/index.js";

const DAY = 86_400_000;
type ClerkSession = ClerkSessionJson & { user?: unknown };
/** Clerk's times for the sessions here: recent, so nothing expires or is pruned. */
const NOW = Date.now();

let t: ExampleApp;
let clerk: FakeClerk;
let warnings: string[];
beforeEach(async () => {
  clerk = await startFakeClerk();
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  vi.stubEnv("CLERK_SECRET_KEY", FAKE_SECRET_KEY);
  vi.stubEnv("CLERK_API_URL", clerk.url);
  warnings = [];
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
  t = exampleApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await clerk.close();
});

const clerkSessions = new ClerkSessions(components.clerkSessions);
const clerkApi = new ClerkApi(clerkSessions);
const me = () => t.withIdentity({ subject: "user_1", sid: "sess_1" });
const statuses = async () =>
  Object.fromEntries(
    (await componentTables(t)).sessions.map((s) => [s.sessionId, s.status]),
  );
const syncMine = () => me().action(api.devices.syncMine, {});
const requestsFor = (path: string) =>
  clerk.urls.filter((url) => url.startsWith(`GET ${path}?`));

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isClerkApiError(error) || isSessionError(error)) return error.data.code;
    throw error;
  }
  return "ok";
}

/** Runs `before` then asserts the call fails with `code` and writes no session. */
async function expectFailure(code: string, run: () => Promise<unknown>) {
  const before = await componentTables(t);
  expect(await errorCode(run())).toBe(code);
  expect(await componentTables(t)).toEqual(before);
}

/** One session per user, each user's own. */
function sessionPerUser() {
  for (const user of clerk.users) {
    clerk.sessions.push(
      clerkSessionJson(`sess_${user.id}`, user.id, "active", NOW),
    );
  }
}

/** Starts a walk and lets every step it schedules run; returns the walk's record. */
async function walk(args: SyncAllUsersArgs = {}) {
  let thrown: unknown = null;
  await t
    .action((ctx) =>
      clerkApi.syncAllUsers(ctx, {
        next: internal.clerkSync.syncAll,
        ...args,
      }),
    )
    .catch((error: unknown) => {
      thrown = error;
    });
  await t.finishAllScheduledFunctions(() => {});
  const status = await t.query(internal.clerkSync.status, {});
  return { status, thrown };
}

/** A list request's offset, from the query Clerk received (0 when absent). */
const offsetOf = (url: string) =>
  new URLSearchParams(url.split("?")[1]).get("offset") ?? "0";

describe("one user's sessions", () => {
  test("are read from Clerk and stored, the device without IP or place", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", NOW),
      clerkSessionJson("sess_2", "user_1", "ended", NOW),
      clerkSessionJson("sess_9", "user_2", "active", NOW),
    );
    expect(await syncMine()).toEqual({
      fetched: 2,
      applied: 2,
      stale: 0,
      skipped: 0,
    });
    expect(await statuses()).toEqual({ sess_1: "active", sess_2: "ended" });
    const stored = JSON.stringify(await componentTables(t));
    expect(stored).not.toContain("192.168.1.100");
    expect(stored).not.toContain("San Francisco");
    expect(requestsFor("/v1/sessions")).toEqual([
      // The SDK leaves out a zero offset.
      "GET /v1/sessions?user_id=user_1&limit=100&paginated=true",
    ]);
  });

  test.each(
    PUBLISHED_PAYLOADS.filter((payload) => payload.type.startsWith("session.")),
  )(
    "Clerk's published session object ($type example) is stored as Clerk has it",
    async ({ body }) => {
      // A Backend API `Session` is the webhook's `data` without the embedded user.
      const { user, ...session } = (JSON.parse(body) as { data: ClerkSession })
        .data;
      expect(user).toBeDefined();
      clerk.sessions.push(session);
      const result = await t.action((ctx) =>
        clerkApi.syncUserSessions(ctx, { userId: session.user_id }),
      );
      expect(result).toEqual({ fetched: 1, applied: 1, stale: 0, skipped: 0 });
      const [stored] = (await componentTables(t)).sessions;
      const activity = session.latest_activity;
      expect(stored).toMatchObject({
        sessionId: session.id,
        userId: session.user_id,
        clientId: session.client_id,
        reportedStatus: session.status,
        createdAt: session.created_at,
        updatedAt: session.updated_at,
        lastActiveAt: session.last_active_at,
        expireAt: session.expire_at,
        abandonAt: session.abandon_at,
        actor: null,
      });
      if (activity) {
        expect(stored?.["device"]).toEqual({
          deviceType: activity["device_type"],
          browserName: activity["browser_name"],
          browserVersion: activity["browser_version"],
          isMobile: activity["is_mobile"],
        });
      }
      expect(JSON.stringify(stored)).not.toContain("192.168.1.100");
    },
  );

  test("a sync never resurrects a session the store knows ended", async () => {
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.revoked", {
          sessionId: "sess_1",
          userId: "user_1",
          updatedAt: NOW - 5,
        }),
      ).init,
    );
    clerk.sessions.push(clerkSessionJson("sess_1", "user_1", "active", NOW));
    const result = await t
      .withIdentity({ subject: "user_1", sid: "sess_new" })
      .action(api.devices.syncMine, {});
    expect(result).toMatchObject({ fetched: 1, skipped: 0 });
    expect(await statuses()).toEqual({ sess_1: "revoked" });
  });

  test("every page is read: 250 sessions take three requests", async () => {
    for (let i = 0; i < 250; i++)
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", NOW + i),
      );
    expect(await syncMine()).toMatchObject({ fetched: 250, applied: 250 });
    expect(requestsFor("/v1/sessions").map(offsetOf)).toEqual([
      "0",
      "100",
      "200",
    ]);
  });

  test("total_count ends the walk: a last full page asks for no empty one", async () => {
    for (let i = 0; i < 100; i++)
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", NOW + i),
      );
    expect(await syncMine()).toMatchObject({ fetched: 100, applied: 100 });
    expect(requestsFor("/v1/sessions")).toHaveLength(1);
  });

  test("the published list shape without total_count (a plain array) is read too", async () => {
    clerk.sessions.push(clerkSessionJson("sess_1", "user_1", "active", NOW));
    clerk.respond = ({ path }) =>
      path === "/v1/sessions"
        ? { status: 200, body: clerk.sessions }
        : undefined;
    expect(await syncMine()).toMatchObject({ fetched: 1, applied: 1 });
  });

  test("a full page repeated forever fails with CLERK_REPEATED_PAGE instead of looping", async () => {
    const page = Array.from({ length: 100 }, (_, i) =>
      clerkSessionJson(`sess_${i}`, "user_1", "active", NOW),
    );
    clerk.respond = ({ path }) =>
      path === "/v1/sessions" ? { status: 200, body: page } : undefined;
    await expectFailure("CLERK_REPEATED_PAGE", syncMine);
    expect(requestsFor("/v1/sessions")).toHaveLength(2);
  }, 10_000);

  test("a status this package does not know is skipped, not stored", async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "brand_new_status", NOW),
    );
    expect(await syncMine()).toEqual({
      fetched: 1,
      applied: 0,
      stale: 0,
      skipped: 1,
    });
    expect(await statuses()).toEqual({});
  });

  test("a malformed session is skipped with a warning that shows no body, and the rest applied", async () => {
    const good = [
      clerkSessionJson("sess_1", "user_1", "active", NOW),
      clerkSessionJson("sess_2", "user_1", "active", NOW),
    ];
    const data = [
      good[0],
      { ...good[1], id: "sess_bad", updated_at: "yesterday" },
      "nope",
      { ...good[1], id: "sess_other", user_id: "user_2" },
      good[1],
    ];
    clerk.respond = ({ path }) =>
      path === "/v1/sessions"
        ? { status: 200, body: { data, total_count: data.length } }
        : undefined;
    expect(await syncMine()).toEqual({
      fetched: 5,
      applied: 2,
      stale: 0,
      skipped: 3,
    });
    expect(await statuses()).toEqual({ sess_1: "active", sess_2: "active" });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/updated_at/);
    for (const line of warnings) {
      for (const secret of ["sess_bad", "yesterday", "user_2", FAKE_SECRET_KEY])
        expect(line).not.toContain(secret);
    }
  });

  test("a live session older than the prune horizon is stored; an old ended one stays out", async () => {
    await t.mutation(internal.sessions.prune, {});
    expect((await componentTables(t)).pruneHorizon).toHaveLength(1);
    const old = NOW - 60 * DAY;
    clerk.sessions.push(
      // Clerk still reports it live: its expiry is ahead, whatever its age.
      {
        ...clerkSessionJson("sess_1", "user_1", "active", old),
        expire_at: NOW + DAY,
      },
      clerkSessionJson("sess_2", "user_1", "ended", old),
    );
    expect(await syncMine()).toMatchObject({ fetched: 2, applied: 1 });
    expect(await statuses()).toEqual({ sess_1: "active" });
  });
});

describe("a walk over every user", () => {
  test("reads users oldest first, with the page size kept for every step", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3", "user_4", "user_5");
    sessionPerUser();
    const { status } = await walk({ pageSize: 2 });
    const asked = requestsFor("/v1/users").map(
      (url) => new URLSearchParams(url.split("?")[1]),
    );
    expect(asked.map((query) => query.get("offset") ?? "0")).toEqual([
      "0",
      "2",
      "4",
    ]);
    for (const query of asked) {
      expect(query.get("limit")).toBe("2");
      expect(query.get("order_by")).toBe("+created_at");
    }
    expect(status).toMatchObject({
      state: "done",
      users: 5,
      applied: 5,
      pageSize: 2,
      totalCount: 5,
      failure: null,
    });
    expect(Object.keys(await statuses()).sort()).toEqual(
      ["user_1", "user_2", "user_3", "user_4", "user_5"].map(
        (id) => `sess_${id}`,
      ),
    );
  });

  test("ends at total_count: a last full page asks for no empty one", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3", "user_4");
    sessionPerUser();
    const { status } = await walk({ pageSize: 2 });
    expect(requestsFor("/v1/users").map(offsetOf)).toEqual(["0", "2"]);
    expect(status).toMatchObject({ state: "done", users: 4, offset: 4 });
  });

  test("users signing up during a walk shift no offset: none is skipped or read twice", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3", "user_4");
    sessionPerUser();
    clerk.respond = ({ path }) => {
      if (path === "/v1/sessions" && clerk.users.length === 4) {
        // A sign-up once the first page of users has been answered.
        addUsers(clerk, "user_new");
        clerk.sessions.push(
          clerkSessionJson("sess_user_new", "user_new", "active", NOW),
        );
      }
      return undefined;
    };
    const { status } = await walk({ pageSize: 2 });
    const sessionRequests = requestsFor("/v1/sessions").map((url) =>
      new URLSearchParams(url.split("?")[1]).get("user_id"),
    );
    expect(sessionRequests.sort()).toEqual([
      "user_1",
      "user_2",
      "user_3",
      "user_4",
      "user_new",
    ]);
    expect(status).toMatchObject({ state: "done", users: 5 });
  });

  test("a page identical to the previous one fails the walk with CLERK_REPEATED_PAGE", async () => {
    addUsers(clerk, ...Array.from({ length: 150 }, (_, i) => `user_${i}`));
    // An API that ignores `offset`: the first full page, again and again.
    clerk.respond = ({ path }) =>
      path === "/v1/users"
        ? { status: 200, body: clerk.users.slice(0, 100) }
        : undefined;
    const { status, thrown } = await walk();
    expect(requestsFor("/v1/users")).toHaveLength(2);
    expect(status).toMatchObject({
      state: "failed",
      users: 100,
      failure: { code: "CLERK_REPEATED_PAGE", offset: 100, attempts: 1 },
    });
    // The first step succeeded; the second, which failed, ran on the scheduler.
    expect(thrown).toBeNull();
  });

  test.each([
    [429, "CLERK_RATE_LIMITED"],
    [503, "CLERK_UNAVAILABLE"],
  ])(
    "a %i mid-walk is retried after Retry-After, and the walk goes on",
    async (status) => {
      addUsers(clerk, "user_1", "user_2", "user_3", "user_4", "user_5");
      sessionPerUser();
      let refused = 0;
      clerk.respond = ({ path, query }): FakeAnswer | undefined => {
        if (path !== "/v1/users" || query.get("offset") !== "2") return;
        if (refused++ >= 5) return;
        return {
          ...clerkErrors(status, "too_many_requests", "Try later"),
          headers: { "Retry-After": "0" },
        };
      };
      const { status: walked } = await walk({ pageSize: 2 });
      // 4 requests per attempt at most (3 retries within it): a second attempt.
      expect(requestsFor("/v1/users").map(offsetOf)).toEqual([
        "0",
        ...Array<string>(6).fill("2"),
        "4",
      ]);
      expect(Object.keys(await statuses())).toHaveLength(5);
      expect(walked).toMatchObject({ state: "done", users: 5, applied: 5 });
      expect(walked?.failure).toMatchObject({ offset: 2, attempts: 1 });
    },
  );

  test.each([
    [429, "CLERK_RATE_LIMITED"],
    [503, "CLERK_UNAVAILABLE"],
  ])(
    "a %i that persists is retried a bounded number of times, then the failure is recorded",
    async (status, code) => {
      addUsers(clerk, "user_1", "user_2", "user_3", "user_4", "user_5");
      sessionPerUser();
      clerk.respond = ({ path, query }) =>
        path === "/v1/users" && query.get("offset") === "2"
          ? {
              ...clerkErrors(status, "too_many_requests", "Try later"),
              headers: { "Retry-After": "0" },
            }
          : undefined;
      const { status: walked } = await walk({ pageSize: 2 });
      // 3 attempts of 4 requests each, then nothing more.
      expect(requestsFor("/v1/users").map(offsetOf)).toEqual([
        "0",
        ...Array<string>(12).fill("2"),
      ]);
      expect(walked).toMatchObject({
        state: "failed",
        users: 2,
        offset: 2,
        failure: { code, status, offset: 2, attempts: 3 },
      });
      expect(walked?.finishedAt).not.toBeNull();
      expect(Object.keys(await statuses()).sort()).toEqual([
        "sess_user_1",
        "sess_user_2",
      ]);
    },
  );

  test.each([
    ["{}", { status: 200, raw: "{}" }],
    ['{"data":"nope"}', { status: 200, raw: '{"data":"nope"}' }],
    ["a bare string", { status: 200, raw: '"nope"' }],
    ["null", { status: 200, raw: "null" }],
    ["not JSON", { status: 200, raw: "<html>" }],
    [
      "total_count as text",
      { status: 200, raw: '{"data":[],"total_count":"3"}' },
    ],
  ])(
    "a users page of %s fails the walk with CLERK_BAD_RESPONSE and stores nothing",
    async (_, answer: FakeAnswer) => {
      addUsers(clerk, "user_1", "user_2");
      sessionPerUser();
      clerk.respond = ({ path }) => (path === "/v1/users" ? answer : undefined);
      const { status, thrown } = await walk({ pageSize: 2 });
      expect(isClerkApiError(thrown) && thrown.data.code).toBe(
        "CLERK_BAD_RESPONSE",
      );
      expect(await statuses()).toEqual({});
      expect(status).toMatchObject({
        state: "failed",
        users: 0,
        failure: { code: "CLERK_BAD_RESPONSE", attempts: 1 },
      });
    },
  );

  test("a user count that is not Clerk's shape fails with CLERK_BAD_RESPONSE", async () => {
    addUsers(clerk, "user_1");
    sessionPerUser();
    clerk.respond = ({ path }) =>
      path === "/v1/users/count" ? { status: 200, raw: "{}" } : undefined;
    const { status } = await walk();
    expect(status?.failure?.code).toBe("CLERK_BAD_RESPONSE");
    expect(await statuses()).toEqual({});
  });

  test("a malformed user is skipped with a warning; the walk moves past it", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3");
    sessionPerUser();
    clerk.respond = ({ path }) =>
      path === "/v1/users"
        ? {
            status: 200,
            body: [clerk.users[0], { object: "user" }, clerk.users[2]],
          }
        : undefined;
    const { status } = await walk();
    expect(status).toMatchObject({
      state: "done",
      users: 2,
      offset: 3,
      skipped: 1,
    });
    expect(warnings).toEqual([
      "Clerk Backend API: skipped an entry of list users: a user: id: missing",
    ]);
  });

  test("a failure that ends the walk is thrown to a direct caller, and recorded", async () => {
    vi.stubEnv("CLERK_SECRET_KEY", "sk_test_wrong");
    const { status, thrown } = await walk();
    expect(isClerkApiError(thrown) && thrown.data.code).toBe(
      "CLERK_UNAUTHORIZED",
    );
    expect(status).toMatchObject({
      state: "failed",
      failure: { code: "CLERK_UNAUTHORIZED", status: 401 },
    });
  });

  test("a second walk supersedes a running one, whose late steps then do nothing", async () => {
    addUsers(clerk, "user_1", "user_2", "user_3");
    sessionPerUser();
    const first = await t.action((ctx) =>
      clerkApi.syncAllUsers(ctx, { pageSize: 1 }),
    );
    expect(first).toMatchObject({ state: "running", nextOffset: 1, users: 1 });
    const { status } = await walk({ pageSize: 3 });
    expect(status).toMatchObject({ state: "done", users: 3 });
    const late = await t.action(internal.clerkSync.syncAll, {
      walkId: first.walkId,
      offset: 1,
    });
    expect(late).toEqual({
      walkId: first.walkId,
      users: 0,
      applied: 0,
      nextOffset: null,
    });
    expect(requestsFor("/v1/users")).toHaveLength(2);
  });

  test("the example app's action starts a walk and reports it", async () => {
    addUsers(clerk, "user_1");
    sessionPerUser();
    const step = await t.action(internal.clerkSync.syncAll, {});
    expect(step).toMatchObject({ users: 1, applied: 1, nextOffset: null });
    expect(await t.query(internal.clerkSync.status, {})).toMatchObject({
      walkId: step.walkId,
      state: "done",
    });
  });

  test("a page size Clerk would refuse is refused before any request", async () => {
    for (const pageSize of [0, 501, 2.5]) {
      await expect(walk({ pageSize })).resolves.toMatchObject({
        status: null,
      });
    }
    expect(clerk.requests).toEqual([]);
  });
});

describe("revoke", () => {
  beforeEach(async () => {
    clerk.sessions.push(
      clerkSessionJson("sess_1", "user_1", "active", NOW),
      clerkSessionJson("sess_2", "user_1", "active", NOW),
    );
    await syncMine();
  });
  const revoke = (sessionId: string) =>
    t.action((ctx) => clerkApi.revokeSession(ctx, { sessionId }));

  test("revokes at Clerk, and the verifier refuses the session at once", async () => {
    expect(await revoke("sess_2")).toMatchObject({
      sessionId: "sess_2",
      status: "revoked",
    });
    expect(clerk.requests).toContain("POST /v1/sessions/sess_2/revoke");
    const other = t.withIdentity({ subject: "user_1", sid: "sess_2" });
    expect(await errorCode(other.mutation(api.notes.add, { text: "x" }))).toBe(
      "SESSION_ENDED",
    );
  });

  test("an answer naming another session fails and changes nothing", async () => {
    clerk.respond = ({ method }) =>
      method === "POST"
        ? {
            status: 200,
            body: clerkSessionJson("sess_2", "user_1", "revoked", NOW + 1),
          }
        : undefined;
    await expectFailure("CLERK_BAD_RESPONSE", () => revoke("sess_1"));
    expect(await statuses()).toEqual({ sess_1: "active", sess_2: "active" });
  });

  test("an answer that is not a session fails and changes nothing", async () => {
    clerk.respond = ({ method }) =>
      method === "POST" ? { status: 200, raw: "{}" } : undefined;
    await expectFailure("CLERK_BAD_RESPONSE", () => revoke("sess_1"));
  });

  test("a revoke that fails leaves the session as it was", async () => {
    clerk.failure = { kind: "unavailable" };
    await expectFailure("CLERK_UNAVAILABLE", () => revoke("sess_1"));
    expect(await statuses()).toEqual({ sess_1: "active", sess_2: "active" });
  });
});

describe("failures: a clear error, and nothing written", () => {
  beforeEach(() => {
    clerk.sessions.push(clerkSessionJson("sess_1", "user_1", "active", NOW));
  });

  test("401: the secret key is wrong, and it is not retried", async () => {
    vi.stubEnv("CLERK_SECRET_KEY", "sk_test_wrong");
    await expectFailure("CLERK_UNAUTHORIZED", syncMine);
    expect(clerk.requests).toHaveLength(1);
  });

  test("429 with a Retry-After longer than a call may wait: passed on, not waited for", async () => {
    clerk.failure = { kind: "rate_limited", retryAfterSeconds: 30 };
    const error = await syncMine().catch((e: unknown) => e);
    expect(isClerkApiError(error) && error.data).toMatchObject({
      code: "CLERK_RATE_LIMITED",
      status: 429,
      retryAfterSeconds: 30,
    });
    expect(clerk.requests).toHaveLength(1);
    expect(await statuses()).toEqual({});
  });

  test("5xx: retried with backoff a bounded number of times, then CLERK_UNAVAILABLE", async () => {
    clerk.failure = { kind: "unavailable" };
    await expectFailure("CLERK_UNAVAILABLE", syncMine);
    expect(clerk.requests).toHaveLength(4);
  });

  test("retries stop when the action's retry budget is spent", async () => {
    clerk.failure = { kind: "unavailable" };
    const thrifty = new ClerkApi(clerkSessions, { retryBudgetMs: 0 });
    await expectFailure("CLERK_UNAVAILABLE", () =>
      t.action((ctx) => thrifty.syncUserSessions(ctx, { userId: "user_1" })),
    );
    expect(clerk.requests).toHaveLength(1);
  });

  test("a hung request times out", async () => {
    clerk.failure = { kind: "hang" };
    const quick = new ClerkApi(clerkSessions, {
      timeoutMs: 100,
      maxRetries: 1,
    });
    await expectFailure("CLERK_TIMEOUT", () =>
      t.action((ctx) => quick.syncUserSessions(ctx, { userId: "user_1" })),
    );
    expect(clerk.requests).toHaveLength(2);
  });

  test("a failure on the second page writes nothing from the first", async () => {
    for (let i = 2; i < 150; i++)
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", NOW),
      );
    clerk.failure = { kind: "unavailable", afterRequests: 1 };
    await expectFailure("CLERK_UNAVAILABLE", syncMine);
    expect(requestsFor("/v1/sessions").map(offsetOf)).toEqual([
      "0",
      ...Array<string>(4).fill("100"),
    ]);
  });

  test.each([
    ["{}", "{}"],
    ['{"data":"nope"}', '{"data":"nope"}'],
    ["data of the wrong type", '{"data":{"id":"sess_1"}}'],
    ["not JSON", "<html>"],
  ])(
    "a sessions answer of %s fails with CLERK_BAD_RESPONSE and stores nothing",
    async (_, raw) => {
      clerk.respond = ({ path }) =>
        path === "/v1/sessions" ? { status: 200, raw } : undefined;
      await expectFailure("CLERK_BAD_RESPONSE", syncMine);
    },
  );

  test("no secret key configured", async () => {
    vi.stubEnv("CLERK_SECRET_KEY", "");
    await expectFailure("CLERK_NOT_CONFIGURED", syncMine);
  });
});
