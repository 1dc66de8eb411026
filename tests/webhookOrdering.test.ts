/**
 * The state rules of DESIGN.md, driven through the real webhook route:
 * duplicates, out-of-order deliveries and user deletion.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  BASE_TIME,
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  exampleApp,
  post,
  seedSessions,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { components } from "../convex/_generated/api.js";
import { DELETION_BATCH_SIZE } from "../src/component/users.js";

let t: ExampleApp;
beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

async function deliver(body: Record<string, unknown>) {
  return (await post(t, signedDelivery(body).init)).body.result;
}

async function statusOf(sessionId: string) {
  const { sessions } = await componentTables(t);
  return sessions.find((s) => s.sessionId === sessionId);
}

const at = (minutes: number) => BASE_TIME + minutes * 60_000;

describe("order and duplicates", () => {
  test("the same svix message delivered three times applies once", async () => {
    const delivery = signedDelivery(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
      }),
    );
    const results = [];
    for (let i = 0; i < 3; i++)
      results.push((await post(t, delivery.init)).body.result);
    expect(results).toEqual(["applied", "duplicate", "duplicate"]);
    const tables = await componentTables(t);
    expect(tables.sessions).toHaveLength(1);
    // No table of svix ids: the replay is recognised by its content.
    expect(Object.keys(tables).sort()).toEqual([
      "deletedUsers",
      "pruneHorizon",
      "sessions",
    ]);
  });

  test("the same event re-sent under a new svix id is a duplicate too", async () => {
    const event = clerkSessionEvent("session.created", {
      sessionId: "sess_A",
      userId: "user_1",
    });
    expect(await deliver(event)).toBe("applied");
    const stored = await componentTables(t);
    expect(await deliver(event)).toBe("duplicate");
    expect(await componentTables(t)).toEqual(stored);
  });

  test("a replay of an event that lost is stale, and changes nothing", async () => {
    const created = clerkSessionEvent("session.created", {
      sessionId: "sess_A",
      userId: "user_1",
      updatedAt: at(0),
    });
    const ended = clerkSessionEvent("session.ended", {
      sessionId: "sess_A",
      userId: "user_1",
      updatedAt: at(1),
    });
    expect(await deliver(created)).toBe("applied");
    expect(await deliver(ended)).toBe("applied");
    const stored = await componentTables(t);
    expect(await deliver(created)).toBe("stale");
    expect(await deliver(ended)).toBe("duplicate");
    expect(await componentTables(t)).toEqual(stored);
  });

  test("ended before created: the end inserts a tombstone the create cannot lift", async () => {
    expect(
      await deliver(
        clerkSessionEvent("session.ended", {
          sessionId: "sess_A",
          userId: "user_1",
          updatedAt: at(10),
        }),
      ),
    ).toBe("applied");
    expect(await statusOf("sess_A")).toMatchObject({
      status: "ended",
      endedAt: at(10),
    });
    expect(
      await deliver(
        clerkSessionEvent("session.created", {
          sessionId: "sess_A",
          userId: "user_1",
          updatedAt: at(0),
        }),
      ),
    ).toBe("stale");
    expect(await statusOf("sess_A")).toMatchObject({ status: "ended" });
  });

  test("a late session.created after an end, even with a newer updated_at, stays ended", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    await deliver(
      clerkSessionEvent("session.revoked", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(5),
      }),
    );
    // Its device is the latest heard of, so the record takes that; the
    // status stays revoked.
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(9),
      }),
    );
    expect(await statusOf("sess_A")).toMatchObject({
      status: "revoked",
      endedAt: at(5),
      reportedStatus: "revoked",
    });
  });

  test("ended, removed and revoked each end an active session", async () => {
    for (const type of [
      "session.ended",
      "session.removed",
      "session.revoked",
    ] as const) {
      const sessionId = `sess_${type}`;
      await deliver(
        clerkSessionEvent("session.created", {
          sessionId,
          userId: "user_1",
          updatedAt: at(0),
        }),
      );
      expect(
        await deliver(
          clerkSessionEvent(type, {
            sessionId,
            userId: "user_1",
            updatedAt: at(1),
          }),
        ),
      ).toBe("applied");
      expect((await statusOf(sessionId))?.status).toBe(
        type.slice("session.".length),
      );
    }
  });

  test("the stored document keeps the device summary but no IP or location", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
      }),
    );
    const stored = await statusOf("sess_A");
    expect(stored?.device).toEqual({
      deviceType: "iPhone",
      browserName: "Safari",
      browserVersion: "18.1",
      isMobile: true,
    });
    const text = JSON.stringify(await componentTables(t));
    expect(text).not.toContain("203.0.113.7");
    expect(text).not.toContain("Lisbon");
  });
});

describe("the owner of a session never changes", () => {
  test("a webhook naming another user is answered ignored and changes nothing", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    const stored = await componentTables(t);
    for (const type of ["session.created", "session.revoked"] as const) {
      const answer = await post(
        t,
        signedDelivery(
          clerkSessionEvent(type, {
            sessionId: "sess_A",
            userId: "user_intruder",
            updatedAt: at(5),
          }),
        ).init,
      );
      expect(answer).toMatchObject({
        status: 200,
        body: { result: "ignored" },
      });
    }
    expect(await componentTables(t)).toEqual(stored);
  });

  test("an API answer naming another user changes nothing either", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    const stored = await componentTables(t);
    const result = await t.mutation(
      components.clerkSessions.sync.applySessions,
      {
        sessions: [
          {
            sessionId: "sess_A",
            userId: "user_intruder",
            clientId: null,
            status: "active",
            createdAt: at(0),
            updatedAt: at(9),
            lastActiveAt: at(9),
            expireAt: null,
            abandonAt: null,
            device: null,
            actor: null,
          },
        ],
      },
    );
    expect(result).toMatchObject({ applied: 0 });
    expect(await componentTables(t)).toEqual(stored);
  });
});

describe("device and actor", () => {
  test("an end event without device info keeps the device recorded earlier", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    const ended = clerkSessionEvent("session.ended", {
      sessionId: "sess_A",
      userId: "user_1",
      updatedAt: at(1),
    });
    (ended.data as Record<string, unknown>).latest_activity = null;
    expect(await deliver(ended)).toBe("applied");
    expect(await statusOf("sess_A")).toMatchObject({
      status: "ended",
      device: { deviceType: "iPhone", browserName: "Safari" },
    });
  });
});

describe("user.deleted", () => {
  test("every live session of the user becomes removed; ended ones stay ended; others untouched", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_1",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_2",
        userId: "user_1",
        updatedAt: at(0),
      }),
    );
    await deliver(
      clerkSessionEvent("session.ended", {
        sessionId: "sess_3",
        userId: "user_1",
        updatedAt: at(1),
      }),
    );
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_other",
        userId: "user_2",
        updatedAt: at(0),
      }),
    );
    expect(await deliver(clerkUserDeletedEvent("user_1", at(30)))).toBe(
      "applied",
    );
    expect(await statusOf("sess_1")).toMatchObject({
      status: "removed",
      endedAt: at(30),
    });
    expect(await statusOf("sess_2")).toMatchObject({
      status: "removed",
      endedAt: at(30),
    });
    expect(await statusOf("sess_3")).toMatchObject({
      status: "ended",
      endedAt: at(1),
    });
    expect(await statusOf("sess_other")).toMatchObject({ status: "active" });
  });

  test("a session event arriving after user.deleted is stored removed", async () => {
    await deliver(clerkUserDeletedEvent("user_1", at(30)));
    expect(
      await deliver(
        clerkSessionEvent("session.created", {
          sessionId: "sess_late",
          userId: "user_1",
          updatedAt: at(0),
        }),
      ),
    ).toBe("applied");
    expect(await statusOf("sess_late")).toMatchObject({
      status: "removed",
      endedAt: at(30),
    });
  });

  test("user.deleted for a user with no sessions records the deletion", async () => {
    expect(await deliver(clerkUserDeletedEvent("user_ghost"))).toBe("applied");
    expect((await componentTables(t)).deletedUsers).toHaveLength(1);
    expect(await deliver(clerkUserDeletedEvent("user_ghost"))).toBe(
      "duplicate",
    );
  });

  test(`more sessions than one batch (${DELETION_BATCH_SIZE}) are all removed by scheduled batches`, async () => {
    vi.useFakeTimers();
    const count = DELETION_BATCH_SIZE * 2 + 7;
    for (let i = 0; i < count; i++) {
      await deliver(
        clerkSessionEvent("session.created", {
          sessionId: `sess_${i}`,
          userId: "user_big",
          updatedAt: at(0),
        }),
      );
    }
    expect(await deliver(clerkUserDeletedEvent("user_big", at(30)))).toBe(
      "applied",
    );
    const afterFirstBatch = (await componentTables(t)).sessions.filter(
      (s) => s.status === "removed",
    );
    expect(afterFirstBatch).toHaveLength(DELETION_BATCH_SIZE);
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const { sessions } = await componentTables(t);
    expect(sessions.filter((s) => s.status === "removed")).toHaveLength(count);
  }, 60_000);
});

describe("cost at the floor", () => {
  const facts = (status: "active" | "ended", updatedAt: number) => ({
    sessionId: "sess_user_1_0",
    userId: "user_1",
    clientId: null,
    status,
    createdAt: updatedAt,
    updatedAt,
    lastActiveAt: updatedAt,
    expireAt: null,
    abandonAt: null,
    device: null,
    actor: null,
  });
  const apply = (
    app: ExampleApp,
    type: "session.created" | "session.ended",
    session: ReturnType<typeof facts>,
  ) =>
    app.mutation(components.clerkSessions.events.apply, {
      event: { kind: "session", type, session },
    });

  test("an unseen session: two lookups (session, user deletion) and one insert", async () => {
    const app = exampleApp({
      transactionLimits: { databaseQueries: 2, documentsWritten: 1 },
    });
    expect(
      await apply(app, "session.created", facts("active", Date.now())),
    ).toEqual({ result: "applied" });
    // The limits are on: one lookup is not enough for an unseen session.
    const tight = exampleApp({ transactionLimits: { databaseQueries: 1 } });
    await expect(
      apply(tight, "session.created", facts("active", Date.now())),
    ).rejects.toThrow(/index ranges|quer/i);
  });

  test("a known session: one lookup and at most one write, replay or not", async () => {
    const app = exampleApp({
      transactionLimits: { databaseQueries: 1, documentsWritten: 1 },
    });
    // Seeded without a lookup, so only the events below count.
    await seedSessions(app, {
      userId: "user_1",
      count: 1,
      status: "active",
      updatedAt: Date.now() - 10,
    });
    const ended = facts("ended", Date.now());
    expect(await apply(app, "session.ended", ended)).toEqual({
      result: "applied",
    });
    expect(await apply(app, "session.ended", ended)).toEqual({
      result: "duplicate",
    });
    expect(
      await apply(app, "session.created", facts("active", Date.now() - 5)),
    ).toEqual({ result: "stale" });
  });
});
