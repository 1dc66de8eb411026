/**
 * The app's onEvent mutation (convex/sessionEvents.ts) runs in the same
 * transaction as each change, and never for duplicates or stale events.
 */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import {
  BASE_TIME,
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  exampleApp,
  post,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";

let t: ExampleApp;
beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
});
afterEach(() => vi.unstubAllEnvs());

const recorded = () => t.run((ctx) => ctx.db.query("sessionEvents").collect());
const event = (
  type: Parameters<typeof clerkSessionEvent>[0],
  updatedAt: number,
  sessionId = "sess_A",
) => clerkSessionEvent(type, { sessionId, userId: "user_1", updatedAt });

test("each applied event reaches onEvent with the session before and after", async () => {
  await post(t, signedDelivery(event("session.created", BASE_TIME)).init);
  await post(t, signedDelivery(event("session.ended", BASE_TIME + 5)).init);
  const records = await recorded();
  expect(
    records.map((r) => [r.type, r.before?.status ?? null, r.after.status]),
  ).toEqual([
    ["session.created", null, "active"],
    ["session.ended", "active", "ended"],
  ]);
  expect(records[1]?.after).toMatchObject({
    sessionId: "sess_A",
    userId: "user_1",
    endedAt: BASE_TIME + 5,
  });
});

test("duplicates and stale events do not call it", async () => {
  const created = signedDelivery(event("session.created", BASE_TIME + 10));
  await post(t, created.init);
  expect((await post(t, created.init)).body.result).toBe("duplicate");
  expect(
    (await post(t, signedDelivery(event("session.created", BASE_TIME)).init))
      .body.result,
  ).toBe("stale");
  expect(await recorded()).toHaveLength(1);
});

test("user.deleted reports each session it removes", async () => {
  await post(
    t,
    signedDelivery(event("session.created", BASE_TIME, "sess_1")).init,
  );
  await post(
    t,
    signedDelivery(event("session.created", BASE_TIME, "sess_2")).init,
  );
  await post(
    t,
    signedDelivery(clerkUserDeletedEvent("user_1", BASE_TIME + 60)).init,
  );
  const removals = (await recorded()).filter((r) => r.type === "user.deleted");
  expect(
    removals.map((r) => [r.sessionId, r.before?.status, r.after.status]).sort(),
  ).toEqual([
    ["sess_1", "active", "removed"],
    ["sess_2", "active", "removed"],
  ]);
});

test("callback and change commit together: when the transaction fails, neither is kept", async () => {
  // Session and record are two writes; the limit allows one.
  t = exampleApp({ transactionLimits: { documentsWritten: 1 } });
  const answer = await post(
    t,
    signedDelivery(event("session.created", BASE_TIME)).init,
  );
  expect(answer.status).toBe(500);
  expect(await recorded()).toEqual([]);
  expect((await componentTables(t)).sessions).toEqual([]);
});

test("the actor of an impersonated session reaches onEvent", async () => {
  const created = event("session.created", BASE_TIME);
  (created.data as Record<string, unknown>).actor = { sub: "user_support" };
  await post(t, signedDelivery(created).init);
  expect((await recorded())[0]?.after.actor).toEqual({ sub: "user_support" });
});

test("a replay under a new svix id and an owner-change attempt do not call it", async () => {
  const created = event("session.created", BASE_TIME);
  await post(t, signedDelivery(created).init);
  expect((await post(t, signedDelivery(created).init)).body.result).toBe(
    "duplicate",
  );
  const intruder = clerkSessionEvent("session.revoked", {
    sessionId: "sess_A",
    userId: "user_2",
    updatedAt: BASE_TIME + 10,
  });
  expect((await post(t, signedDelivery(intruder).init)).body.result).toBe(
    "ignored",
  );
  expect(await recorded()).toHaveLength(1);
});
