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
