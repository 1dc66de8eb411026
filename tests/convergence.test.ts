/**
 * Convergence, property-tested against the real component: any order of a
 * set of events, with duplicates and redeliveries, ends in the same stored
 * state as delivering each event once in a canonical order.
 * `npm test` runs 200 cases; `npm run fuzz` runs 10,000 (FUZZ_RUNS).
 */
import fc from "fast-check";
import { expect, test } from "vitest";
import { components } from "../convex/_generated/api.js";
import {
  componentTables,
  exampleApp,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import type { SessionEvent } from "../src/shared/eventValidators.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const USERS = ["user_a", "user_b", "user_c"];
const SESSIONS = 6;
const userOf = (session: number) => USERS[session % USERS.length] ?? "user_a";

/** Small time ranges on purpose: ties in updated_at are where order bugs hide. */
const time = fc.integer({ min: 0, max: 12 });
const nullableTime = fc.option(time, { nil: null });

const sessionEvent = fc
  .record({
    type: fc.constantFrom(
      "session.created",
      "session.ended",
      "session.removed",
      "session.revoked",
    ),
    createdStatus: fc.constantFrom("active", "pending"),
    session: fc.integer({ min: 0, max: SESSIONS - 1 }),
    updatedAt: time,
    lastActiveAt: nullableTime,
    mobile: fc.boolean(),
  })
  .map(
    ({
      type,
      createdStatus,
      session,
      updatedAt,
      lastActiveAt,
      mobile,
    }): SessionEvent => ({
      kind: "session",
      type,
      session: {
        sessionId: `sess_${session}`,
        userId: userOf(session),
        clientId: `client_${session}`,
        actor: null,
        status:
          type === "session.created"
            ? createdStatus
            : (type.slice("session.".length) as "ended"),
        createdAt: 0,
        updatedAt,
        lastActiveAt,
        expireAt: null,
        abandonAt: null,
        device: {
          deviceType: null,
          browserName: null,
          browserVersion: null,
          isMobile: mobile,
        },
      },
    }),
  );

const userDeleted = fc
  .record({
    user: fc.integer({ min: 0, max: USERS.length - 1 }),
    deletedAt: nullableTime,
  })
  .map(({ user, deletedAt }): SessionEvent => ({
    kind: "user.deleted",
    userId: USERS[user] ?? "user_a",
    deletedAt,
  }));

const event = fc.oneof(
  { arbitrary: sessionEvent, weight: 4 },
  { arbitrary: userDeleted, weight: 1 },
);

type Delivery = { svixId: string; event: SessionEvent };

/** A set of events, and a delivery of it: shuffled, with duplicates and redeliveries. */
const scenario = fc
  .array(event, { minLength: 1, maxLength: 14 })
  .chain((events) => {
    const canonical = events.map((e, i): Delivery => ({
      svixId: `msg_${i}`,
      event: e,
    }));
    const extra = fc.array(
      fc.record({
        index: fc.nat({ max: events.length - 1 }),
        sameId: fc.boolean(),
      }),
      { maxLength: 8 },
    );
    return extra.chain((extras) => {
      const repeats = extras.map(({ index, sameId }, i): Delivery => ({
        svixId: sameId ? `msg_${index}` : `msg_redelivery_${i}`,
        event: canonical[index]?.event ?? events[0]!,
      }));
      const all = [...canonical, ...repeats];
      return fc
        .array(fc.double({ noNaN: true }), {
          minLength: all.length,
          maxLength: all.length,
        })
        .map((keys) => ({
          canonical,
          shuffled: all
            .map((d, i) => ({ d, k: keys[i] ?? 0 }))
            .sort((a, b) => a.k - b.k)
            .map(({ d }) => d),
        }));
    });
  });

async function deliverAll(t: ExampleApp, deliveries: Delivery[]) {
  for (const d of deliveries) {
    await t.mutation(components.clerkSessions.events.apply, {
      event: d.event,
    });
  }
}

/** The stored state without ids and creation times, in a stable order. */
async function storedState(t: ExampleApp) {
  const tables = await componentTables(t);
  const strip = (docs: Record<string, unknown>[], key: string) =>
    docs
      .map(
        ({ _id, _creationTime, ...rest }) => (
          void _id,
          void _creationTime,
          rest
        ),
      )
      .sort((a, b) => String(a[key]).localeCompare(String(b[key])));
  return {
    sessions: strip(tables.sessions, "sessionId"),
    deletedUsers: strip(tables.deletedUsers, "userId"),
  };
}

test(`any delivery order converges to the canonical state (${RUNS} runs)`, async ({
  task,
}) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(scenario, async ({ canonical, shuffled }) => {
      const once = exampleApp();
      await deliverAll(once, canonical);
      const shuffledApp = exampleApp();
      await deliverAll(shuffledApp, shuffled);
      const expected = await storedState(once);
      const actual = await storedState(shuffledApp);
      expect(actual.sessions).toEqual(expected.sessions);
      expect(actual.deletedUsers).toEqual(expected.deletedUsers);
      checked += 1;
    }),
    { numRuns: RUNS },
  );
  task.meta.reportedCount = `convergence property: ${checked} shuffled scenarios matched their canonical order`;
}, 600_000);
