/**
 * "Your devices" from `api()`, as the example app re-exports it: the caller's
 * own sessions, and signing them out at Clerk (a fake Backend API on
 * 127.0.0.1). Times are relative to now, so no session has expired.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../convex/_generated/api.js";
import {
  componentTables,
  exampleApp,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { TEST_SECRET } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  isClerkApiError,
  isSessionError,
} from "../src/client/core/index.js";
import {
  ClerkApi,
  isSignOutError,
  MAX_SESSIONS_PAGE,
  SIGN_OUT_BATCH_SIZE,
  type MySession,
} from "../src/client/clerkApi/index.js";
import {
  signOutOtherSessions,
  type DevicesDeps,
} from "../src/client/clerkApi/devices.js";

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

const NOW = Date.now();
const minutesAgo = (minutes: number) => NOW - minutes * 60_000;

/**
 * Clerk knows the session, and the store hears of it in a sync of its own,
 * so arrival order is the order of these calls.
 */
async function arrives(
  sessionId: string,
  options: { userId?: string; createdAt: number; status?: string },
) {
  const userId = options.userId ?? "user_1";
  const session = clerkSessionJson(
    sessionId,
    userId,
    options.status ?? "active",
    options.createdAt + 1_000,
  );
  session.created_at = options.createdAt;
  clerk.sessions.push(session);
  await t
    .withIdentity({ subject: userId, sid: "sess_syncing" })
    .action(api.devices.syncMine, {});
}

/** The caller, user_1; `null` for a token without a `sid` claim. */
const me = (sid: string | null = "sess_current") =>
  t.withIdentity(
    sid === null ? { subject: "user_1" } : { subject: "user_1", sid },
  );
const firstPage = { paginationOpts: { numItems: 50, cursor: null } };
const ids = (page: { page: { sessionId: string }[] }) =>
  page.page.map((s) => s.sessionId);
const revokeRequests = () =>
  clerk.requests.filter((r) => r.startsWith("POST")).sort();
const statuses = async () =>
  Object.fromEntries(
    (await componentTables(t)).sessions.map((s) => [s.sessionId, s.status]),
  );

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (
      isSignOutError(error) ||
      isSessionError(error) ||
      isClerkApiError(error)
    )
      return error.data.code;
    throw error;
  }
  return "ok";
}

describe("mySessions", () => {
  test("newest first by Clerk's created_at, not by arrival", async () => {
    await arrives("sess_middle", { createdAt: minutesAgo(20) });
    await arrives("sess_oldest", { createdAt: minutesAgo(30) });
    await arrives("sess_newest", { createdAt: minutesAgo(10) });
    expect(ids(await me().query(api.devices.mySessions, firstPage))).toEqual([
      "sess_newest",
      "sess_middle",
      "sess_oldest",
    ]);
  });

  test("paginated: each page continues where the last ended", async () => {
    for (let i = 1; i <= 5; i++)
      await arrives(`sess_${i}`, { createdAt: minutesAgo(60 - i) });
    const pages: string[][] = [];
    let cursor: string | null = null;
    for (;;) {
      const page: {
        page: MySession[];
        isDone: boolean;
        continueCursor: string;
      } = await me().query(api.devices.mySessions, {
        paginationOpts: { numItems: 2, cursor },
      });
      pages.push(ids(page));
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    expect(pages.filter((page) => page.length > 0)).toEqual([
      ["sess_5", "sess_4"],
      ["sess_3", "sess_2"],
      ["sess_1"],
    ]);
  });

  test("numItems is capped at MAX_SESSIONS_PAGE: a larger ask gets that many, never more", async () => {
    for (let i = 0; i < MAX_SESSIONS_PAGE + 5; i++) {
      clerk.sessions.push(
        clerkSessionJson(`sess_${i}`, "user_1", "active", minutesAgo(i)),
      );
    }
    await t
      .withIdentity({ subject: "user_1", sid: "sess_0" })
      .action(api.devices.syncMine, {});
    const page = await me("sess_0").query(api.devices.mySessions, {
      paginationOpts: { numItems: 1_000_000, cursor: null },
    });
    expect(page.page).toHaveLength(MAX_SESSIONS_PAGE);
    expect(page.isDone).toBe(false);
  });

  test("the caller's own session is marked current, and only it", async () => {
    await arrives("sess_current", { createdAt: minutesAgo(30) });
    await arrives("sess_phone", { createdAt: minutesAgo(20) });
    const page = await me().query(api.devices.mySessions, firstPage);
    expect(page.page.map((s) => [s.sessionId, s.current])).toEqual([
      ["sess_phone", false],
      ["sess_current", true],
    ]);
    const viaPhone = await me("sess_phone").query(
      api.devices.mySessions,
      firstPage,
    );
    expect(viaPhone.page.map((s) => [s.sessionId, s.current])).toEqual([
      ["sess_phone", true],
      ["sess_current", false],
    ]);
  });

  test("a token without a sid claim sees its sessions, none marked current", async () => {
    await arrives("sess_current", { createdAt: minutesAgo(30) });
    const page = await me(null).query(api.devices.mySessions, firstPage);
    expect(page.page.map((s) => [s.sessionId, s.current])).toEqual([
      ["sess_current", false],
    ]);
  });

  test("only the caller's sessions, with device but no IP", async () => {
    await arrives("sess_current", { createdAt: minutesAgo(30) });
    await arrives("sess_theirs", {
      userId: "user_2",
      createdAt: minutesAgo(5),
    });
    const page = await me().query(api.devices.mySessions, firstPage);
    expect(ids(page)).toEqual(["sess_current"]);
    expect(page.page[0]?.device).toMatchObject({ browserName: "Chrome" });
    expect(JSON.stringify(page)).not.toContain("198.51.100.4");
  });

  test("filtered by status: a page holds the matches among those read", async () => {
    await arrives("sess_current", { createdAt: minutesAgo(40) });
    await arrives("sess_gone", { createdAt: minutesAgo(30), status: "ended" });
    await arrives("sess_phone", { createdAt: minutesAgo(20) });
    const ended = await me().query(api.devices.mySessions, {
      status: "ended",
      ...firstPage,
    });
    expect(ids(ended)).toEqual(["sess_gone"]);
    const active = await me().query(api.devices.mySessions, {
      status: "active",
      ...firstPage,
    });
    expect(ids(active)).toEqual(["sess_phone", "sess_current"]);
  });

  test("refused without a session, or with one that ended", async () => {
    await arrives("sess_gone", { createdAt: minutesAgo(30), status: "ended" });
    expect(await errorCode(t.query(api.devices.mySessions, firstPage))).toBe(
      "UNAUTHENTICATED",
    );
    expect(
      await errorCode(me("sess_gone").query(api.devices.mySessions, firstPage)),
    ).toBe("SESSION_ENDED");
  });
});

describe("signOutSession", () => {
  beforeEach(async () => {
    await arrives("sess_current", { createdAt: minutesAgo(30) });
    await arrives("sess_phone", { createdAt: minutesAgo(20) });
    await arrives("sess_theirs", {
      userId: "user_2",
      createdAt: minutesAgo(10),
    });
  });

  test("revokes the caller's session at Clerk and records it; its token is refused at once", async () => {
    const revoked = await me().action(api.devices.signOutSession, {
      sessionId: "sess_phone",
    });
    expect(revoked).toMatchObject({
      sessionId: "sess_phone",
      status: "revoked",
    });
    expect(revokeRequests()).toEqual(["POST /v1/sessions/sess_phone/revoke"]);
    expect(await statuses()).toMatchObject({
      sess_current: "active",
      sess_phone: "revoked",
    });
    expect(
      await errorCode(
        me("sess_phone").mutation(api.notes.add, { text: "from the phone" }),
      ),
    ).toBe("SESSION_ENDED");
  });

  test("another user's session is refused, and nothing changes at Clerk or here", async () => {
    const before = await componentTables(t);
    expect(
      await errorCode(
        me().action(api.devices.signOutSession, { sessionId: "sess_theirs" }),
      ),
    ).toBe("NOT_YOUR_SESSION");
    expect(revokeRequests()).toEqual([]);
    expect(await componentTables(t)).toEqual(before);
  });

  test("an unknown session is refused, and nothing changes", async () => {
    const before = await componentTables(t);
    expect(
      await errorCode(
        me().action(api.devices.signOutSession, { sessionId: "sess_nope" }),
      ),
    ).toBe("SESSION_NOT_FOUND");
    expect(revokeRequests()).toEqual([]);
    expect(await componentTables(t)).toEqual(before);
  });

  test("a session that already ended is answered as stored, without asking Clerk", async () => {
    await arrives("sess_gone", { createdAt: minutesAgo(40), status: "ended" });
    const answer = await me().action(api.devices.signOutSession, {
      sessionId: "sess_gone",
    });
    expect(answer).toMatchObject({ sessionId: "sess_gone", status: "ended" });
    expect(revokeRequests()).toEqual([]);
  });

  test("a failure at Clerk is passed on and the session stays as it was", async () => {
    clerk.failure = { kind: "unavailable" };
    expect(
      await errorCode(
        me().action(api.devices.signOutSession, { sessionId: "sess_phone" }),
      ),
    ).toBe("CLERK_UNAVAILABLE");
    expect(await statuses()).toMatchObject({ sess_phone: "active" });
  });

  test("refused without a session", async () => {
    expect(
      await errorCode(
        t.action(api.devices.signOutSession, { sessionId: "sess_phone" }),
      ),
    ).toBe("UNAUTHENTICATED");
    expect(revokeRequests()).toEqual([]);
  });
});

describe("signOutOtherSessions", () => {
  const OTHERS = 23;
  beforeEach(async () => {
    await arrives("sess_current", { createdAt: minutesAgo(500) });
    for (let i = 0; i < OTHERS; i++) {
      await arrives(`sess_other_${i}`, {
        createdAt: minutesAgo(400 - i),
        status: i % 5 === 0 ? "pending" : "active",
      });
    }
    for (let i = 0; i < 3; i++)
      await arrives(`sess_gone_${i}`, {
        createdAt: minutesAgo(300 - i),
        status: "ended",
      });
    await arrives("sess_theirs", {
      userId: "user_2",
      createdAt: minutesAgo(5),
    });
  });

  test("revokes every other live session of the caller, and only those", async () => {
    expect(await me().action(api.devices.signOutOtherSessions, {})).toEqual({
      signedOut: OTHERS,
      failed: 0,
    });
    const expected = Array.from(
      { length: OTHERS },
      (_, i) => `POST /v1/sessions/sess_other_${i}/revoke`,
    ).sort();
    expect(revokeRequests()).toEqual(expected);
    const after = await statuses();
    expect(after).toMatchObject({
      sess_current: "active",
      sess_theirs: "active",
      sess_gone_0: "ended",
    });
    for (let i = 0; i < OTHERS; i++)
      expect(after[`sess_other_${i}`]).toBe("revoked");
    // A second call finds nothing left to do.
    expect(await me().action(api.devices.signOutOtherSessions, {})).toEqual({
      signedOut: 0,
      failed: 0,
    });
  });

  test("revokes at most SIGN_OUT_BATCH_SIZE sessions at once", async () => {
    const clerkSessions = new ClerkSessions(components.clerkSessions);
    const real = new ClerkApi(clerkSessions);
    let inFlight = 0;
    let mostInFlight = 0;
    const deps: DevicesDeps = {
      requireActiveSession: (ctx) => clerkSessions.requireActiveSession(ctx),
      getSession: (ctx, args) => clerkSessions.getSession(ctx, args),
      listSessions: (ctx, args) => clerkSessions.listSessions(ctx, args),
      liveSessionIds: (ctx, args) => real.liveSessionIds(ctx, args),
      revokeSession: async (ctx, args) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          return await real.revokeSession(ctx, args);
        } finally {
          inFlight--;
        }
      },
    };
    const result = await me().action((ctx) => signOutOtherSessions(ctx, deps));
    expect(result).toEqual({ signedOut: OTHERS, failed: 0 });
    expect(mostInFlight).toBe(SIGN_OUT_BATCH_SIZE);
  });

  test("a session Clerk has but the store never heard of is signed out too", async () => {
    // An intruder's fresh session: its session.created has not arrived.
    clerk.sessions.push(
      clerkSessionJson("sess_intruder", "user_1", "active", NOW),
    );
    expect(Object.keys(await statuses())).not.toContain("sess_intruder");
    expect(await me().action(api.devices.signOutOtherSessions, {})).toEqual({
      signedOut: OTHERS + 1,
      failed: 0,
    });
    expect(revokeRequests()).toContain(
      "POST /v1/sessions/sess_intruder/revoke",
    );
    expect((await statuses())["sess_intruder"]).toBe("revoked");
    expect(clerk.sessions.find((s) => s.id === "sess_intruder")?.status).toBe(
      "revoked",
    );
  });

  test("a session the store thinks live but Clerk ended is recorded ended, not revoked", async () => {
    const other = clerk.sessions.find((s) => s.id === "sess_other_1");
    if (other === undefined) throw new Error("no sess_other_1");
    other.status = "ended";
    other.updated_at = NOW + 1;
    expect(await me().action(api.devices.signOutOtherSessions, {})).toEqual({
      signedOut: OTHERS - 1,
      failed: 0,
    });
    expect(revokeRequests()).not.toContain(
      "POST /v1/sessions/sess_other_1/revoke",
    );
    expect((await statuses())["sess_other_1"]).toBe("ended");
  });

  test("revokes Clerk refuses are counted, the rest go on, and the refused stay live", async () => {
    clerk.failure = {
      kind: "unavailable",
      // The list of the caller's sessions, then 4 revokes, are answered.
      afterRequests: clerk.requests.length + 5,
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(await me().action(api.devices.signOutOtherSessions, {})).toEqual({
      signedOut: 4,
      failed: OTHERS - 4,
    });
    const after = Object.values(await statuses());
    expect(after.filter((status) => status === "revoked")).toHaveLength(4);
    // The refused stay live, beside the current session and user_2's.
    const live = after.filter((s) => s === "active" || s === "pending");
    expect(live).toHaveLength(OTHERS - 4 + 2);
    expect(new Set(revokeRequests()).size).toBe(OTHERS);
    // Each failure is logged by its code alone.
    expect(warn.mock.calls.map((call) => String(call[0]))).toEqual(
      Array.from(
        { length: OTHERS - 4 },
        () => "signOutOtherSessions: a revoke failed (CLERK_UNAVAILABLE)",
      ),
    );
    warn.mockRestore();
    // Clerk's client retries a 503 with backoff before it fails.
  }, 30_000);

  test("a token without a sid claim is refused: its own session is unknown", async () => {
    expect(
      await errorCode(me(null).action(api.devices.signOutOtherSessions, {})),
    ).toBe("SESSION_UNKNOWN");
    expect(revokeRequests()).toEqual([]);
  });
});
