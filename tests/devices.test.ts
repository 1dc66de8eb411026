/** "Your devices": the example app lists only the caller's own sessions, newest first. */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api.js";
import { BASE_TIME, clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { exampleApp, post, type ExampleApp } from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";

let t: ExampleApp;
beforeEach(async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
  for (let i = 1; i <= 5; i++) {
    const sessionEvent = clerkSessionEvent("session.created", {
      sessionId: `sess_${i}`,
      userId: "user_1",
      updatedAt: BASE_TIME + i,
    });
    await post(t, signedDelivery(sessionEvent).init);
  }
  await post(
    t,
    signedDelivery(
      clerkSessionEvent("session.ended", {
        sessionId: "sess_2",
        userId: "user_1",
        updatedAt: BASE_TIME + 9,
      }),
    ).init,
  );
  await post(
    t,
    signedDelivery(
      clerkSessionEvent("session.created", {
        sessionId: "sess_other",
        userId: "user_2",
      }),
    ).init,
  );
});
afterEach(() => vi.unstubAllEnvs());

const me = () => t.withIdentity({ subject: "user_1", sid: "sess_5" });

test("newest first, paginated, only the caller's", async () => {
  const first = await me().query(api.devices.mySessions, {
    paginationOpts: { numItems: 2, cursor: null },
  });
  expect(first.page.map((s) => s.sessionId)).toEqual(["sess_5", "sess_4"]);
  expect(first.isDone).toBe(false);
  const rest = await me().query(api.devices.mySessions, {
    paginationOpts: { numItems: 10, cursor: first.continueCursor },
  });
  expect(rest.page.map((s) => s.sessionId)).toEqual([
    "sess_3",
    "sess_2",
    "sess_1",
  ]);
  expect(rest.isDone).toBe(true);
});

test("filtered by status", async () => {
  const ended = await me().query(api.devices.mySessions, {
    status: "ended",
    paginationOpts: { numItems: 10, cursor: null },
  });
  expect(ended.page.map((s) => s.sessionId)).toEqual(["sess_2"]);
});

test("another user sees only their own", async () => {
  const other = await t
    .withIdentity({ subject: "user_2" })
    .query(api.devices.mySessions, {
      paginationOpts: { numItems: 10, cursor: null },
    });
  expect(other.page.map((s) => s.sessionId)).toEqual(["sess_other"]);
});

test("anonymous callers are refused", async () => {
  await expect(
    t.query(api.devices.mySessions, {
      paginationOpts: { numItems: 10, cursor: null },
    }),
  ).rejects.toThrow(/Not signed in/);
});
