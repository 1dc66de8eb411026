/**
 * When the component's mutation fails, the route answers 5xx so Svix
 * retries, nothing is half-applied, and the redelivery applies exactly once.
 * The fault is real: convex-test enforces a per-transaction write limit that
 * `user.deleted` exceeds until the user has fewer live sessions.
 */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import {
  BASE_TIME,
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  countStatuses,
  exampleApp,
  post,
  seedSessions,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { componentsGeneric, type FunctionReference } from "convex/server";
import { components } from "../convex/_generated/api.js";

beforeEach(() => vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET));
afterEach(() => vi.unstubAllEnvs());

test("a failed apply answers 500, writes nothing, and the redelivery applies once", async () => {
  // The example app records each change through onEvent, so the deletion
  // writes a tombstone, three sessions and three records: seven writes,
  // over the limit of four.
  const t = exampleApp({ transactionLimits: { documentsWritten: 4 } });
  await seedSessions(
    t,
    { userId: "user_f", count: 3, status: "active", updatedAt: BASE_TIME },
    3,
  );
  const deletion = clerkUserDeletedEvent("user_f", BASE_TIME + 60_000);
  const first = signedDelivery(deletion);

  const before = await componentTables(t);
  const failed = await post(t, first.init);
  expect(failed.status).toBe(500);
  expect(failed.body.error).toMatch(/retried/);
  expect(await componentTables(t)).toEqual(before);

  // Two sessions end meanwhile (two writes each), so the deletion now
  // needs three: tombstone, one session, one record.
  for (const i of [0, 1]) {
    const ended = clerkSessionEvent("session.ended", {
      sessionId: `sess_user_f_${i}`,
      userId: "user_f",
      updatedAt: BASE_TIME + 1_000,
    });
    expect((await post(t, signedDelivery(ended).init)).body.result).toBe(
      "applied",
    );
  }

  const retry = signedDelivery(deletion, { svixId: first.svixId });
  expect((await post(t, retry.init)).body.result).toBe("applied");
  expect((await post(t, retry.init)).body.result).toBe("duplicate");

  expect(await countStatuses(t)).toEqual({ ended: 2, removed: 1 });
  expect((await componentTables(t)).deletedUsers).toHaveLength(1);
});

test("a deletion batch that fails after the webhook is retried until every session of the user is removed", async () => {
  vi.useFakeTimers();
  try {
    // Each live session costs two writes (the session and the app's onEvent
    // record), so a batch of 100 live sessions fails under this limit. The
    // first batch, in the webhook, holds ended sessions: no change, it passes.
    const t = exampleApp({ transactionLimits: { documentsWritten: 120 } });
    await seedSessions(t, {
      userId: "user_big",
      count: 100,
      status: "ended",
      updatedAt: BASE_TIME,
    });
    for (let i = 0; i < 150; i++) {
      await t.mutation(components.clerkSessions.events.apply, {
        event: {
          kind: "session",
          type: "session.created",
          session: {
            sessionId: `sess_live_${i}`,
            userId: "user_big",
            clientId: null,
            status: "active",
            createdAt: BASE_TIME,
            updatedAt: BASE_TIME,
            lastActiveAt: BASE_TIME,
            expireAt: null,
            abandonAt: null,
            device: null,
            actor: null,
          },
        },
      });
    }
    const answer = await post(
      t,
      signedDelivery(clerkUserDeletedEvent("user_big", BASE_TIME + 60_000))
        .init,
    );
    expect(answer.body.result).toBe("applied");
    await t.finishAllScheduledFunctions(vi.runAllTimers, 500);
    expect(await countStatuses(t)).toEqual({ ended: 100, removed: 150 });
    const records = await t.run((ctx) =>
      ctx.db.query("sessionEvents").collect(),
    );
    // onEvent ran once per change, the failed attempts left nothing behind.
    expect(records.filter((r) => r.type === "user.deleted")).toHaveLength(150);
  } finally {
    vi.useRealTimers();
  }
}, 60_000);

test("a deletion run that exhausted its retries is enqueued again, so the deletion is never forgotten", async () => {
  vi.useFakeTimers();
  try {
    const t = exampleApp();
    await post(
      t,
      signedDelivery(clerkUserDeletedEvent("user_f", BASE_TIME)).init,
    );
    // Sessions the deletion's runs have not reached yet.
    await seedSessions(t, {
      userId: "user_f",
      count: 3,
      status: "active",
      updatedAt: BASE_TIME,
    });
    const users = (
      componentsGeneric() as unknown as {
        clerkSessions: {
          users: { removalFinished: FunctionReference<"mutation", "internal"> };
        };
      }
    ).clerkSessions.users;
    // What the workpool reports when a run failed for the last time.
    await t.run((ctx) =>
      ctx.runMutation(users.removalFinished, {
        workId: "work_1",
        context: { userId: "user_f", cursor: null },
        result: { kind: "failed", error: "too many writes" },
      }),
    );
    expect(await countStatuses(t)).toEqual({ active: 3 });
    await t.finishAllScheduledFunctions(vi.runAllTimers, 200);
    expect(await countStatuses(t)).toEqual({ removed: 3 });
  } finally {
    vi.useRealTimers();
  }
}, 60_000);
