/**
 * Pruning: what goes, what stays, replays after pruning, and bounded batches
 * under convex-test's transaction limits.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import crons from "../convex/crons.js";
import {
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  countStatuses,
  exampleApp,
  forgetRetentionStart,
  post,
  seedSessions,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  DEFAULT_SESSION_RETENTION_MS,
  MIN_SESSION_RETENTION_MS,
  PRUNE_BATCH_SIZE,
} from "../src/component/retention.js";

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

let t: ExampleApp;
beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ["Date"] });
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const advanceDays = (days: number) => vi.setSystemTime(Date.now() + days * DAY);
const event = (
  type: Parameters<typeof clerkSessionEvent>[0],
  sessionId: string,
) =>
  clerkSessionEvent(type, {
    sessionId,
    userId: "user_1",
    updatedAt: Date.now(),
  });
const sessionEvents = () =>
  t.run((ctx) => ctx.db.query("sessionEvents").collect());
const sessionIds = async () =>
  (await componentTables(t)).sessions.map((s) => s.sessionId).sort();

describe("what pruning removes", () => {
  test("ended sessions go after 30 days; live sessions stay", async () => {
    await post(t, signedDelivery(event("session.created", "sess_live")).init);
    await post(t, signedDelivery(event("session.created", "sess_old")).init);
    await post(t, signedDelivery(event("session.ended", "sess_old")).init);

    advanceDays(3);
    expect(await t.mutation(internal.sessions.prune, {})).toEqual({
      sessions: 0,
      deletedUsers: 0,
      memberships: 0,
      organizationDeletions: 0,
      continues: false,
    });
    expect(await sessionIds()).toEqual(["sess_live", "sess_old"]);

    advanceDays(DEFAULT_SESSION_RETENTION_MS / DAY);
    const result = await t.mutation(internal.sessions.prune, {});
    expect(result).toEqual({
      sessions: 1,
      deletedUsers: 0,
      memberships: 0,
      organizationDeletions: 0,
      continues: false,
    });
    expect(await sessionIds()).toEqual(["sess_live"]);
  });

  test("a session whose Clerk expiry is past the retention goes too", async () => {
    await post(
      t,
      signedDelivery(event("session.created", "sess_expiring")).init,
    );
    advanceDays(7 + DEFAULT_SESSION_RETENTION_MS / DAY + 1);
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual([]);
  });

  test("a session abandoned past the retention goes too, even without an expiry", async () => {
    await t.mutation(components.clerkSessions.events.apply, {
      event: {
        kind: "session",
        type: "session.created",
        session: {
          sessionId: "sess_abandoned",
          userId: "user_1",
          clientId: null,
          status: "active",
          createdAt: Date.now(),
          updatedAt: Date.now(),
          lastActiveAt: Date.now(),
          expireAt: null,
          abandonAt: Date.now() + DAY,
          device: null,
          actor: null,
        },
      },
    });
    advanceDays(2 + DEFAULT_SESSION_RETENTION_MS / DAY);
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual([]);
  });

  test("documents written before retentionStart existed are given it, then pruned as usual", async () => {
    await post(t, signedDelivery(event("session.created", "sess_live")).init);
    await post(t, signedDelivery(event("session.created", "sess_old")).init);
    await post(t, signedDelivery(event("session.ended", "sess_old")).init);
    await forgetRetentionStart(t);
    advanceDays(31);
    expect(await t.mutation(internal.sessions.prune, {})).toEqual({
      sessions: 0,
      deletedUsers: 0,
      memberships: 0,
      organizationDeletions: 0,
      continues: true,
    });
    expect(await t.mutation(internal.sessions.prune, {})).toEqual({
      sessions: 1,
      deletedUsers: 0,
      memberships: 0,
      organizationDeletions: 0,
      continues: false,
    });
    expect(await sessionIds()).toEqual(["sess_live"]);
  });

  test("a session removed by a user.deleted without a time is pruned too", async () => {
    await post(t, signedDelivery(event("session.created", "sess_a")).init);
    await post(
      t,
      signedDelivery({
        ...clerkUserDeletedEvent("user_1"),
        timestamp: undefined,
      }).init,
    );
    expect((await componentTables(t)).sessions[0]).toMatchObject({
      status: "removed",
      endedAt: null,
    });
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual([]);
  });

  test("the retention period comes from the ClerkSessions options", async () => {
    await post(t, signedDelivery(event("session.ended", "sess_a")).init);
    advanceDays(3);
    const counts = await t.run((ctx) =>
      ctx.runMutation(components.clerkSessions.retention.prune, {
        sessionRetentionMs: 2 * DAY,
      }),
    );
    expect(counts).toMatchObject({ sessions: 1 });
  });

  test("retention too short for Svix's retries is refused and changes nothing", async () => {
    await post(t, signedDelivery(event("session.ended", "sess_a")).init);
    advanceDays(40);
    const before = await componentTables(t);
    await expect(
      t.run((ctx) =>
        ctx.runMutation(components.clerkSessions.retention.prune, {
          sessionRetentionMs: MIN_SESSION_RETENTION_MS - 1,
        }),
      ),
    ).rejects.toThrow(/sessionRetentionMs must be at least/);
    expect(await componentTables(t)).toEqual(before);
  });

  test("prune continues in batches, ended and expired sessions alike, until nothing past retention is left", async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ now: START });
    const facts = (i: number, ended: boolean) => ({
      sessionId: `sess_${i}`,
      userId: "user_1",
      clientId: null,
      status: ended ? ("ended" as const) : ("active" as const),
      createdAt: START - 90 * DAY,
      updatedAt: START - 60 * DAY,
      lastActiveAt: null,
      expireAt: START - (ended ? 50 : 40) * DAY,
      abandonAt: null,
      device: null,
      actor: null,
    });
    const ended = PRUNE_BATCH_SIZE - 50;
    for (let i = 0; i < ended + 100; i++) {
      await t.mutation(components.clerkSessions.events.apply, {
        event: {
          kind: "session",
          type: i < ended ? "session.ended" : "session.created",
          session: facts(i, i < ended),
        },
      });
    }
    const first = await t.mutation(internal.sessions.prune, {});
    expect(first).toEqual({
      sessions: PRUNE_BATCH_SIZE,
      deletedUsers: 0,
      memberships: 0,
      organizationDeletions: 0,
      continues: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await countStatuses(t)).toEqual({});
  }, 60_000);

  test("the example app's cron runs prune daily", () => {
    const jobs = (
      crons as unknown as {
        crons: Record<string, { name: string; schedule: { type: string } }>;
      }
    ).crons;
    expect(jobs["prune clerk sessions"]).toMatchObject({
      name: "sessions:prune",
      schedule: { type: "daily" },
    });
    expect(internal.sessions.prune).toBeDefined();
  });
});

describe("replays after pruning stay harmless", () => {
  test("session kept: a replayed session.created is stale", async () => {
    await post(t, signedDelivery(event("session.created", "sess_a")).init);
    const created = signedDelivery(event("session.created", "sess_a"));
    await post(t, signedDelivery(event("session.ended", "sess_a")).init);
    advanceDays(4);
    await t.mutation(internal.sessions.prune, {});
    const replay = await post(
      t,
      signedDelivery(JSON.parse(String(created.init.body)), {
        svixId: created.svixId,
      }).init,
    );
    expect(replay.body.result).toBe("stale");
    expect((await componentTables(t)).sessions[0]).toMatchObject({
      status: "ended",
    });
  });

  test("session pruned too: replayed created and ended events do not bring it back", async () => {
    const created = event("session.created", "sess_a");
    await post(t, signedDelivery(created).init);
    const ended = event("session.ended", "sess_a");
    await post(t, signedDelivery(ended).init);
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual([]);
    expect((await post(t, signedDelivery(created).init)).body.result).toBe(
      "stale",
    );
    expect((await post(t, signedDelivery(ended).init)).body.result).toBe(
      "stale",
    );
    expect(await sessionIds()).toEqual([]);
  });

  test("user.deleted whose record was pruned: a replay finds nothing live and reports no change", async () => {
    const deleted = clerkUserDeletedEvent("user_gone", START);
    expect((await post(t, signedDelivery(deleted).init)).body.result).toBe(
      "applied",
    );
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    expect((await componentTables(t)).deletedUsers).toEqual([]);
    const reportsBefore = (await sessionEvents()).length;
    await post(t, signedDelivery(deleted).init);
    expect((await componentTables(t)).sessions).toEqual([]);
    expect((await sessionEvents()).length).toBe(reportsBefore);
    // The record written again is kept its own retention, then goes.
    expect((await componentTables(t)).deletedUsers).toHaveLength(1);
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    expect((await componentTables(t)).deletedUsers).toEqual([]);
  });

  test("user.deleted first delivered after the prune horizon still ends the user's live sessions", async () => {
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.created", {
          sessionId: "sess_live",
          userId: "user_late",
          updatedAt: START,
          expireAt: START + 90 * DAY,
        }),
      ).init,
    );
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    // A Svix resend after an outage: the deletion happened a month ago.
    const deleted = clerkUserDeletedEvent("user_late", START + DAY);
    expect((await post(t, signedDelivery(deleted).init)).body.result).toBe(
      "applied",
    );
    expect((await componentTables(t)).sessions[0]).toMatchObject({
      sessionId: "sess_live",
      status: "removed",
    });
    // A deletion later than the recorded one loses to it.
    const later = clerkUserDeletedEvent("user_late", START + 2 * DAY);
    expect((await post(t, signedDelivery(later).init)).body.result).toBe(
      "stale",
    );
  });

  test("a session that ended recently stays its 30 days, whatever its old expireAt", async () => {
    const expireAt = START + 7 * DAY;
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.created", {
          sessionId: "sess_x",
          userId: "user_1",
          updatedAt: START,
          expireAt,
        }),
      ).init,
    );
    advanceDays(40);
    const removed = clerkSessionEvent("session.removed", {
      sessionId: "sess_x",
      userId: "user_1",
      updatedAt: Date.now(),
      expireAt,
    });
    await post(t, signedDelivery(removed).init);
    const reportsBefore = (await sessionEvents()).length;
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual(["sess_x"]);
    advanceDays(1);
    expect((await post(t, signedDelivery(removed).init)).body.result).toBe(
      "duplicate",
    );
    expect((await sessionEvents()).length).toBe(reportsBefore);
    advanceDays(30);
    await t.mutation(internal.sessions.prune, {});
    expect(await sessionIds()).toEqual([]);
    expect((await post(t, signedDelivery(removed).init)).body.result).toBe(
      "stale",
    );
    expect((await sessionEvents()).length).toBe(reportsBefore);
  });

  test("a new session after pruning is stored as usual", async () => {
    advanceDays(31);
    await t.mutation(internal.sessions.prune, {});
    expect(
      (await post(t, signedDelivery(event("session.created", "sess_new")).init))
        .body.result,
    ).toBe("applied");
  });
});

describe("bounded work under transaction limits", () => {
  const limits = {
    documentsRead: 4 * PRUNE_BATCH_SIZE,
    documentsWritten: 2 * PRUNE_BATCH_SIZE,
  };

  /** An app under the limits, with 5,000 sessions of one user seeded. */
  async function appWith5000Sessions(
    userId: string,
    status: "active" | "ended",
  ) {
    const app = exampleApp({ transactionLimits: limits });
    await seedSessions(app, { userId, count: 5_000, status, updatedAt: START });
    return app;
  }

  test("the limits are on: reading 5,000 sessions in one transaction is refused", async () => {
    t = await appWith5000Sessions("user_big", "active");
    await expect(componentTables(t)).rejects.toThrow(/too many documents/i);
  }, 60_000);

  test("user.deleted for a user with 5,000 sessions finishes in batches", async () => {
    vi.useRealTimers();
    vi.useFakeTimers();
    t = await appWith5000Sessions("user_big", "active");
    const answer = await post(
      t,
      signedDelivery(clerkUserDeletedEvent("user_big", Date.now())).init,
    );
    expect(answer.body.result).toBe("applied");
    await t.finishAllScheduledFunctions(vi.runAllTimers, 200);
    expect(await countStatuses(t)).toEqual({ removed: 5_000 });
  }, 60_000);

  test("pruning 5,000 ended sessions finishes in batches", async () => {
    vi.useRealTimers();
    vi.useFakeTimers({ now: START });
    t = await appWith5000Sessions("user_old", "ended");
    vi.setSystemTime(START + 31 * DAY);
    const first = await t.mutation(internal.sessions.prune, {});
    expect(first).toMatchObject({
      sessions: PRUNE_BATCH_SIZE,
      continues: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers, 200);
    expect(await countStatuses(t)).toEqual({});
  }, 60_000);
});
