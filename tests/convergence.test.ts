/**
 * Convergence, property-tested against the real component: any order of a
 * set of events, with replays, ends in the same store, reads the same
 * statuses, and reports the same changes as delivering each event once in a
 * canonical order. The events drawn cover every lifecycle: `session.created`
 * (active or pending), `session.pending`, the end events (with and without
 * device info), impersonation, expiry by time, `user.deleted` (its tombstone
 * and a user with more sessions than one deletion batch), owner-change
 * attempts, and sync answers (`sync.applySessions`) interleaved with webhooks;
 * then tokens, with or without an `sts` that vouches for their session
 * against a stored expiry that has passed, get the same answer from the
 * verifier in both orders, by the lifetime rule.
 * `npm test` runs 100 cases; `npm run fuzz` runs 10,000 (FUZZ_RUNS).
 */
import fc from "fast-check";
import { createFunctionHandle } from "convex/server";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import {
  componentTables,
  exampleApp,
  seedSessions,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import type { SessionEvent } from "../src/shared/eventValidators.js";
import type { SessionFacts } from "../src/shared/sessionValidators.js";
import { DELETION_BATCH_SIZE } from "../src/component/users.js";
import { ClerkSessions, isSessionError } from "../src/client/core/index.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
/** The clock every read is made at; event times sit far before it. */
const NOW = Date.UTC(2026, 5, 1);
const USERS = ["user_a", "user_b", "user_c"];
const BIG_USER = "user_big";
const SESSIONS = 6;
const userOf = (session: number) => USERS[session % USERS.length] ?? "user_a";
const clerkSessions = new ClerkSessions(components.clerkSessions);

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Small time ranges on purpose: ties in updated_at are where order bugs hide. */
const time = fc.integer({ min: 0, max: 12 });
const nullableTime = fc.option(time, { nil: null });
/** Expiry: none, already passed at NOW, or still ahead. */
const expiry = fc.constantFrom(null, 6, NOW + 86_400_000);

const device = fc.option(
  fc.record({
    deviceType: fc.constantFrom("iPhone", "Macintosh"),
    browserName: fc.constant(null),
    browserVersion: fc.constant(null),
    isMobile: fc.boolean(),
  }),
  { nil: null },
);
const actor = fc.option(fc.constant({ sub: "user_support" }), {
  nil: null,
  freq: 4,
});

type EventType = Extract<SessionEvent, { kind: "session" }>["type"];
const STATUS_OF: Record<EventType, SessionFacts["status"] | null> = {
  "session.created": null,
  "session.pending": "pending",
  "session.ended": "ended",
  "session.removed": "removed",
  "session.revoked": "revoked",
};

/** The facts of one session as an event or API answer states them. */
const facts = fc
  .record({
    session: fc.integer({ min: 0, max: SESSIONS - 1 }),
    status: fc.constantFrom<SessionFacts["status"]>(
      "active",
      "pending",
      "ended",
      "revoked",
    ),
    updatedAt: time,
    lastActiveAt: nullableTime,
    expireAt: expiry,
    abandonAt: fc.constantFrom(null, NOW + 86_400_000),
    device,
    actor,
    /** An owner-change attempt: the event names a user who does not own it. */
    intruder: fc.boolean().chain((b) => fc.constant(b)),
  })
  .map(
    ({ session, intruder, ...rest }): SessionFacts & { intruder: boolean } => ({
      sessionId: `sess_${session}`,
      userId: intruder ? "user_intruder" : userOf(session),
      clientId: `client_${session}`,
      createdAt: 0,
      intruder,
      ...rest,
    }),
  );

const strip = ({
  intruder,
  ...rest
}: SessionFacts & { intruder: boolean }): SessionFacts => (void intruder, rest);

type Delivery =
  | { kind: "webhook"; event: SessionEvent }
  | { kind: "sync"; sessions: SessionFacts[] };

const sessionWebhook = fc
  .record({
    type: fc.constantFrom<EventType>(
      "session.created",
      "session.pending",
      "session.ended",
      "session.removed",
      "session.revoked",
    ),
    facts,
  })
  .map(({ type, facts }): Delivery => {
    const status =
      STATUS_OF[type] ?? (facts.status === "pending" ? "pending" : "active");
    return {
      kind: "webhook",
      event: { kind: "session", type, session: { ...strip(facts), status } },
    };
  });

const userDeleted = fc
  .record({
    user: fc.constantFrom(...USERS, BIG_USER),
    deletedAt: nullableTime,
  })
  .map(({ user, deletedAt }): Delivery => ({
    kind: "webhook",
    event: { kind: "user.deleted", userId: user, deletedAt },
  }));

const syncAnswer = fc
  .array(facts, { minLength: 1, maxLength: 3 })
  .map((all): Delivery => ({ kind: "sync", sessions: all.map(strip) }));

const delivery = fc.oneof(
  { arbitrary: sessionWebhook, weight: 6 },
  { arbitrary: syncAnswer, weight: 2 },
  { arbitrary: userDeleted, weight: 1 },
);

/** Sessions an owner-change attempt names: their true owner must come first. */
function intruded(deliveries: Delivery[]): Set<string> {
  const ids = new Set<string>();
  for (const d of deliveries) {
    const all =
      d.kind === "sync"
        ? d.sessions
        : d.event.kind === "session"
          ? [d.event.session]
          : [];
    for (const f of all) if (f.userId === "user_intruder") ids.add(f.sessionId);
  }
  return ids;
}

/**
 * A set of deliveries, and a delivery of it: shuffled, with replays. The
 * owner of a session is the first user recorded for it, so a session that an
 * owner-change attempt names is introduced by its owner first, in both.
 */
/** A Clerk token of a session, whose `sts` may vouch for it against a passed expiry. */
const token = fc.record({
  session: fc.integer({ min: 0, max: SESSIONS - 1 }),
  sts: fc.constantFrom("active", "pending", null),
});

const scenario = fc
  .record({
    events: fc.array(delivery, { minLength: 1, maxLength: 14 }),
    bigUser: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 8 }),
    tokens: fc.array(token, { minLength: 1, maxLength: 3 }),
  })
  .chain(({ events, bigUser, tokens }) => {
    const introductions = [...intruded(events)]
      .sort()
      .map((sessionId): Delivery => {
        const n = Number(sessionId.slice("sess_".length));
        return {
          kind: "webhook",
          event: {
            kind: "session",
            type: "session.created",
            session: {
              sessionId,
              userId: userOf(n),
              clientId: `client_${n}`,
              status: "active",
              createdAt: 0,
              updatedAt: 0,
              lastActiveAt: null,
              expireAt: null,
              abandonAt: null,
              device: null,
              actor: null,
            },
          },
        };
      });
    const replays = fc.array(fc.nat({ max: events.length - 1 }), {
      maxLength: 8,
    });
    return replays.chain((indexes) => {
      const all = [...events, ...indexes.map((i) => events[i] ?? events[0]!)];
      return fc
        .array(fc.double({ noNaN: true }), {
          minLength: all.length,
          maxLength: all.length,
        })
        .map((keys) => ({
          bigUser,
          tokens,
          introductions,
          canonical: events,
          shuffled: all
            .map((d, i) => ({ d, k: keys[i] ?? 0 }))
            .sort((a, b) => a.k - b.k)
            .map(({ d }) => d),
        }));
    });
  });

async function deliver(t: ExampleApp, deliveries: Delivery[]) {
  const onEvent = await t.run(() =>
    createFunctionHandle(internal.sessionEvents.record),
  );
  for (const d of deliveries) {
    if (d.kind === "webhook") {
      await t.mutation(components.clerkSessions.events.apply, {
        event: d.event,
        onEvent,
      });
    } else {
      await t.mutation(components.clerkSessions.sync.applySessions, {
        sessions: d.sessions,
        onEvent,
      });
    }
  }
  // Deletion batches that did not fit the webhook's transaction run now;
  // the reads below are made at NOW again.
  await t.finishAllScheduledFunctions(vi.runAllTimers, 1_000);
  vi.setSystemTime(NOW);
}

/** A user with more sessions than one deletion batch. */
async function seedBigUser(t: ExampleApp, extra: number) {
  await seedSessions(t, {
    userId: BIG_USER,
    count: DELETION_BATCH_SIZE + extra,
    status: "active",
    updatedAt: 1,
  });
}

type Doc = Record<string, unknown>;
const withoutIds = (docs: Doc[], key: string) =>
  docs
    .map(
      ({ _id, _creationTime, ...rest }) => (void _id, void _creationTime, rest),
    )
    .sort((a, b) => String(a[key]).localeCompare(String(b[key])));

/** The store, the statuses as read at NOW, and the net change reported per session. */
async function observed(t: ExampleApp) {
  const tables = await componentTables(t);
  const sessionIds = tables.sessions.map((s) => String(s.sessionId)).sort();
  const reads = await t.run(async (ctx) => {
    const out: Record<string, unknown> = {};
    for (const sessionId of sessionIds) {
      out[sessionId] = await ctx.runQuery(
        components.clerkSessions.sessions.get,
        {
          sessionId,
        },
      );
    }
    return out;
  });
  const records = await t.run((ctx) => ctx.db.query("sessionEvents").collect());
  // Each session's reported changes chain (before = the previous after), and
  // the last one is the stored record.
  const reported: Record<string, unknown> = {};
  for (const record of records) {
    // The big user's sessions are seeded without a report.
    const seeded = record.sessionId.startsWith(`sess_${BIG_USER}_`);
    const previous = reported[record.sessionId] ?? null;
    if (!seeded || previous !== null) expect(record.before).toEqual(previous);
    expect(record.after).not.toEqual(record.before);
    reported[record.sessionId] = record.after;
  }
  return {
    sessions: withoutIds(tables.sessions, "sessionId"),
    deletedUsers: withoutIds(tables.deletedUsers, "userId"),
    reads,
    reported,
    records: records.length,
  };
}

type Token = { session: number; sts: string | null };

/** What the verifier answers for a token, in a checked query. */
async function verdictFor(t: ExampleApp, { session, sts }: Token) {
  return await t
    .withIdentity({
      subject: userOf(session),
      sid: `sess_${session}`,
      ...(sts === null ? {} : { sts }),
    })
    .query(async (ctx) => {
      try {
        await clerkSessions.requireActiveSession(ctx, {
          pendingSessions: "allow",
        });
        return "ok";
      } catch (error: unknown) {
        if (isSessionError(error)) return error.data.code;
        throw error;
      }
    });
}

/**
 * The lifetime rule: a token whose `sts` vouches is refused as ended only
 * for a status Clerk reported or the user's deletion; time alone ends only
 * tokens that do not vouch.
 */
async function expectLifetimeRule(t: ExampleApp, tok: Token, code: string) {
  const doc = (await componentTables(t)).sessions.find(
    (s) => s.sessionId === `sess_${tok.session}`,
  );
  if (doc === undefined) return;
  const reportedEnded = ["ended", "removed", "revoked"].includes(
    String(doc.status),
  );
  const lapsed = doc.expireAt !== null && Number(doc.expireAt) <= NOW;
  if (!reportedEnded && tok.sts !== null) expect(code).toBe("ok");
  if (!reportedEnded && tok.sts === null) {
    expect(code).toBe(lapsed ? "SESSION_ENDED" : "ok");
  }
  if (reportedEnded) expect(code).toBe("SESSION_ENDED");
}

test(`any delivery order converges to the canonical state (${RUNS} runs)`, async ({
  task,
}) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(
      scenario,
      async ({ bigUser, tokens, introductions, canonical, shuffled }) => {
        const once = exampleApp();
        const shuffledApp = exampleApp();
        for (const t of [once, shuffledApp]) {
          if (bigUser !== null) await seedBigUser(t, bigUser);
          await deliver(t, introductions);
        }
        await deliver(once, canonical);
        await deliver(shuffledApp, shuffled);
        const expected = await observed(once);
        const actual = await observed(shuffledApp);
        expect(actual.sessions).toEqual(expected.sessions);
        expect(actual.deletedUsers).toEqual(expected.deletedUsers);
        expect(actual.reads).toEqual(expected.reads);
        expect(actual.reported).toEqual(expected.reported);
        // Owners never change.
        for (const s of actual.sessions)
          expect(s.userId).not.toBe("user_intruder");
        // Every session of a deleted user reads ended.
        for (const user of expected.deletedUsers.map((d) => d.userId)) {
          for (const s of actual.sessions.filter((s) => s.userId === user)) {
            expect(["ended", "removed", "revoked"]).toContain(s.status);
          }
        }
        // Tokens against stored expiry: the same answer in both, by the rule.
        for (const tok of tokens) {
          const code = await verdictFor(shuffledApp, tok);
          expect(code).toBe(await verdictFor(once, tok));
          await expectLifetimeRule(shuffledApp, tok, code);
        }
        // Replaying the whole set changes nothing and reports nothing.
        await deliver(shuffledApp, canonical);
        const replayed = await componentTables(shuffledApp);
        expect(withoutIds(replayed.sessions, "sessionId")).toEqual(
          actual.sessions,
        );
        expect(
          await shuffledApp.run((ctx) =>
            ctx.db.query("sessionEvents").collect(),
          ),
        ).toHaveLength(actual.records);
        checked += 1;
      },
    ),
    { numRuns: RUNS },
  );
  task.meta.reportedCount = `convergence property: ${checked} shuffled scenarios matched their canonical order`;
}, 600_000);
