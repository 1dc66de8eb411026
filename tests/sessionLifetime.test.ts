/**
 * A live token outranks a stored lifetime that has passed: Clerk may extend
 * a session on activity and sends no webhook for it. The verifier lets such
 * a token through, schedules one refresh of the session from Clerk's Backend
 * API (over real HTTP to the fake API on 127.0.0.1), and the store learns
 * the new lifetime. Only a status Clerk reported, or the user's deletion,
 * refuses the token.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components, internal } from "../convex/_generated/api.js";
import {
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import { exampleApp, post, type ExampleApp } from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  DEFAULT_SESSION_REFRESH_INTERVAL_MS,
  isSessionError,
} from "../src/client/core/index.js";

const ISSUER = "https://clerk.example.dev";
const MINUTE = 60_000;
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
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await clerk.close();
});

/** sess_L of user_1, created an hour ago with an expiry that passed a minute ago. */
async function deliverLapsedSession() {
  const now = Date.now();
  await post(
    t,
    signedDelivery(
      clerkSessionEvent("session.created", {
        sessionId: "sess_L",
        userId: "user_1",
        updatedAt: now - 60 * MINUTE,
        expireAt: now - MINUTE,
      }),
    ).init,
  );
}

const token = (claims: Record<string, unknown>) =>
  t.withIdentity({
    subject: "user_1",
    issuer: ISSUER,
    sid: "sess_L",
    ...claims,
  });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isSessionError(error)) return error.data.code;
    throw error;
  }
  return "ok";
}

const scheduledRefreshes = () =>
  t.run(async (ctx) =>
    (await ctx.db.system.query("_scheduled_functions").collect()).filter(
      (job) => job.name.includes("refreshSession"),
    ),
  );

describe("a live token past the stored expiry", () => {
  test("is let through by a checked mutation and query; a token without sts is not", async () => {
    await deliverLapsedSession();
    const live = token({ sts: "active" });
    expect(await codeOf(live.mutation(api.notes.add, { text: "hi" }))).toBe(
      "ok",
    );
    expect(await codeOf(live.query(api.notes.mine, {}))).toBe("ok");
    expect(
      await codeOf(token({ sts: "pending" }).query(api.notes.mine, {})),
    ).toBe("SESSION_PENDING");
    expect(await codeOf(token({}).mutation(api.notes.add, { text: "x" }))).toBe(
      "SESSION_ENDED",
    );
  });

  test("a status Clerk reported, or the user's deletion, still refuses it", async () => {
    await deliverLapsedSession();
    const live = token({ sts: "active" });
    await post(
      t,
      signedDelivery(clerkUserDeletedEvent("user_1", Date.now())).init,
    );
    expect(await codeOf(live.mutation(api.notes.add, { text: "x" }))).toBe(
      "SESSION_ENDED",
    );
  });

  test("an end event Clerk sent refuses it", async () => {
    await deliverLapsedSession();
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.revoked", {
          sessionId: "sess_L",
          userId: "user_1",
          updatedAt: Date.now(),
        }),
      ).init,
    );
    expect(
      await codeOf(token({ sts: "active" }).query(api.notes.mine, {})),
    ).toBe("SESSION_ENDED");
  });

  test("a mutation schedules one refresh per interval; a query schedules none", async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    await deliverLapsedSession();
    const live = token({ sts: "active" });
    await live.query(api.notes.mine, {});
    expect(await scheduledRefreshes()).toHaveLength(0);
    await live.mutation(api.notes.add, { text: "1" });
    await live.mutation(api.notes.add, { text: "2" });
    expect(await scheduledRefreshes()).toHaveLength(1);
    vi.setSystemTime(Date.now() + DEFAULT_SESSION_REFRESH_INTERVAL_MS);
    await live.mutation(api.notes.add, { text: "3" });
    expect(await scheduledRefreshes()).toHaveLength(2);
  });

  test("the refresh reads Clerk's current lifetime and the store reads active again", async () => {
    await deliverLapsedSession();
    const now = Date.now();
    // Clerk extended the session on activity: a later update, a later expiry.
    clerk.sessions.push(clerkSessionJson("sess_L", "user_1", "active", now));
    await token({ sts: "active" }).mutation(api.notes.add, { text: "1" });
    // Real timers: the scheduled action runs by itself and calls Clerk.
    await vi.waitFor(
      async () =>
        expect((await scheduledRefreshes())[0]?.state.kind).toBe("success"),
      { timeout: 5_000 },
    );
    expect(clerk.requests).toContain("GET /v1/sessions/sess_L");
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: "sess_L" }),
    ).toMatchObject({
      status: "active",
      expireAt: now + 86_400_000,
      derivedFromTime: false,
    });
  });

  test("without sessionRefresh nothing is scheduled and the token still passes", async () => {
    await deliverLapsedSession();
    const bare = new ClerkSessions(components.clerkSessions);
    const live = token({ sts: "active" });
    expect(
      await codeOf(
        live.action(async (ctx) => {
          await bare.requireActiveSession(ctx);
        }),
      ),
    ).toBe("ok");
    expect(await scheduledRefreshes()).toHaveLength(0);
  });

  test("an interval under 10 s is refused when the client is built", () => {
    expect(
      () =>
        new ClerkSessions(components.clerkSessions, {
          sessionRefresh: internal.clerkSync.refreshSession,
          sessionRefreshIntervalMs: 1_000,
        }),
    ).toThrow(/sessionRefreshIntervalMs must be at least 10000/);
  });
});
