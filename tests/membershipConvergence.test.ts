/**
 * Convergence of memberships, property-tested against the real component:
 * any order of a set of membership events, with replays, ends in the same
 * store, the same `forToken` reads and the same net changes reported as
 * delivering each event once in a canonical order. The events drawn:
 * `organizationMembership.created/updated/deleted` with close `updated_at`s
 * (ties included), `organization.deleted`, a member invited again under a
 * new membership id, and owner-change attempts (an event naming another
 * user or organization for a known membership).
 * `npm test` runs 100 cases; FUZZ_RUNS raises it.
 */
import fc from "fast-check";
import { createFunctionHandle } from "convex/server";
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import {
  exampleApp,
  membershipTables,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import type {
  MembershipEvent,
  MembershipFacts,
} from "../src/shared/membershipValidators.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const NOW = Date.UTC(2026, 5, 1);
/** Membership n belongs to a fixed user and organization; 4 and 5 re-invite 0 and 1. */
const MEMBERSHIPS = 6;
const ORGS = ["org_a", "org_b"];
const ownerOf = (n: number) => ({
  userId: `user_${n % 4}`,
  organizationId: ORGS[n % 2] ?? "org_a",
  // A re-invited member's membership is created later.
  createdAt: n >= 4 ? 100 : 1,
});

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});
afterEach(() => {
  vi.useRealTimers();
});

const time = fc.integer({ min: 0, max: 8 }).map((t) => NOW - 1_000 + t);

const facts = fc
  .record({
    n: fc.integer({ min: 0, max: MEMBERSHIPS - 1 }),
    role: fc.constantFrom("org:admin", "org:member"),
    permissions: fc.subarray(["org:a", "org:b", "org:c"]),
    updatedAt: time,
    intruder: fc.constantFrom(null, null, null, "user", "organization"),
  })
  .map(({ n, role, permissions, updatedAt, intruder }) => {
    const owner = ownerOf(n);
    const membership: MembershipFacts = {
      membershipId: `orgmem_${n}`,
      ...owner,
      ...(intruder === "user" ? { userId: "user_intruder" } : {}),
      ...(intruder === "organization"
        ? { organizationId: "org_intruder" }
        : {}),
      role,
      permissions,
      updatedAt: updatedAt + owner.createdAt,
    };
    return membership;
  });

const membershipEvent: fc.Arbitrary<MembershipEvent> = fc
  .record({
    type: fc.constantFrom(
      "organizationMembership.created" as const,
      "organizationMembership.updated" as const,
      "organizationMembership.deleted" as const,
    ),
    membership: facts,
    deletedAt: fc.option(time, { nil: null }),
  })
  .map(({ type, membership, deletedAt }) =>
    type === "organizationMembership.deleted"
      ? { kind: "membership", type, membership, deletedAt }
      : { kind: "membership", type, membership },
  );

const organizationDeleted: fc.Arbitrary<MembershipEvent> = fc
  .record({
    organizationId: fc.constantFrom(...ORGS),
    deletedAt: fc.option(time, { nil: null }),
  })
  .map(({ organizationId, deletedAt }) => ({
    kind: "organization.deleted",
    organizationId,
    deletedAt,
  }));

const event = fc.oneof(
  { arbitrary: membershipEvent, weight: 6 },
  { arbitrary: organizationDeleted, weight: 1 },
);

/** Memberships an owner-change attempt names: their true owner comes first. */
function introductions(events: MembershipEvent[]): MembershipEvent[] {
  const ids = new Set<number>();
  for (const e of events) {
    if (e.kind !== "membership") continue;
    const n = Number(e.membership.membershipId.slice("orgmem_".length));
    const owner = ownerOf(n);
    if (
      e.membership.userId !== owner.userId ||
      e.membership.organizationId !== owner.organizationId
    )
      ids.add(n);
  }
  return [...ids].sort().map((n) => ({
    kind: "membership",
    type: "organizationMembership.created",
    membership: {
      membershipId: `orgmem_${n}`,
      ...ownerOf(n),
      role: "org:member",
      permissions: [],
      updatedAt: NOW - 2_000,
    },
  }));
}

const scenario = fc
  .array(event, { minLength: 1, maxLength: 14 })
  .chain((events) =>
    fc
      .array(fc.nat({ max: events.length - 1 }), { maxLength: 8 })
      .chain((replays) => {
        const all = [...events, ...replays.map((i) => events[i] ?? events[0]!)];
        return fc
          .array(fc.double({ noNaN: true }), {
            minLength: all.length,
            maxLength: all.length,
          })
          .map((keys) => ({
            introductions: introductions(events),
            canonical: events,
            shuffled: all
              .map((e, i) => ({ e, k: keys[i] ?? 0 }))
              .sort((a, b) => a.k - b.k)
              .map(({ e }) => e),
          }));
      }),
  );

async function deliver(t: ExampleApp, events: MembershipEvent[]) {
  const onEvent = await t.run(() =>
    createFunctionHandle(internal.sessionEvents.record),
  );
  for (const e of events) {
    await t.mutation(components.clerkSessions.memberships.apply, {
      event: e,
      onEvent,
    });
  }
  await t.finishAllScheduledFunctions(vi.runAllTimers, 100);
  vi.setSystemTime(NOW);
}

type Doc = Record<string, unknown>;
const withoutIds = (docs: Doc[], key: string) =>
  docs
    .map(
      ({ _id, _creationTime, ...rest }) => (void _id, void _creationTime, rest),
    )
    .sort((a, b) => String(a[key]).localeCompare(String(b[key])));

/** What an app acts on: the status, and the grant while active. */
const visible = (m: { status: string; role: string; permissions: string[] }) =>
  m.status === "active"
    ? { status: m.status, role: m.role, permissions: m.permissions }
    : { status: m.status };

async function observed(t: ExampleApp) {
  const tables = await membershipTables(t);
  const reads = await t.run(async (ctx) => {
    const out: Record<string, unknown> = {};
    for (const organizationId of [...ORGS, "org_intruder"]) {
      for (const user of [0, 1, 2, 3, "intruder"]) {
        const userId = `user_${user}`;
        out[`${organizationId}/${userId}`] = await ctx.runQuery(
          components.clerkSessions.memberships.forToken,
          { organizationId, userId },
        );
      }
    }
    return out;
  });
  const records = await t.run((ctx) =>
    ctx.db.query("membershipEvents").collect(),
  );
  // Each membership's reports chain (a removal is the last), and the last
  // one shows what the store shows.
  const reported: Record<string, unknown> = {};
  const removed = new Set<string>();
  for (const r of records) {
    expect(removed.has(r.membershipId)).toBe(false);
    const previous = reported[r.membershipId] ?? null;
    expect(r.before === null ? null : visible(r.before)).toEqual(previous);
    if (r.type === "membership.removed") removed.add(r.membershipId);
    reported[r.membershipId] = visible(r.after);
  }
  return {
    memberships: withoutIds(tables.memberships, "membershipId"),
    organizationDeletions: withoutIds(
      tables.organizationDeletions,
      "organizationId",
    ),
    reads,
    reported,
    records: records.length,
  };
}

test(`any delivery order of membership events converges to the canonical state (${RUNS} runs)`, async ({
  task,
}) => {
  let checked = 0;
  await fc.assert(
    fc.asyncProperty(
      scenario,
      async ({ introductions, canonical, shuffled }) => {
        const once = exampleApp();
        const shuffledApp = exampleApp();
        for (const t of [once, shuffledApp]) await deliver(t, introductions);
        await deliver(once, canonical);
        await deliver(shuffledApp, shuffled);
        const expected = await observed(once);
        const actual = await observed(shuffledApp);
        expect(actual.memberships).toEqual(expected.memberships);
        expect(actual.organizationDeletions).toEqual(
          expected.organizationDeletions,
        );
        expect(actual.reads).toEqual(expected.reads);
        expect(actual.reported).toEqual(expected.reported);
        for (const m of actual.memberships) {
          // Members never change, and what was reported last is what is stored.
          expect(m.userId).not.toBe("user_intruder");
          expect(m.organizationId).not.toBe("org_intruder");
          expect(actual.reported[String(m.membershipId)]).toEqual(
            visible(m as Parameters<typeof visible>[0]),
          );
        }
        // Every membership of a deleted organization reads deleted.
        for (const { organizationId } of expected.organizationDeletions) {
          for (const m of actual.memberships) {
            if (m.organizationId === organizationId)
              expect(m.status).toBe("deleted");
          }
        }
        // Replaying the whole set changes nothing and reports nothing.
        await deliver(shuffledApp, canonical);
        const replayed = await membershipTables(shuffledApp);
        expect(withoutIds(replayed.memberships, "membershipId")).toEqual(
          actual.memberships,
        );
        expect(
          await shuffledApp.run((ctx) =>
            ctx.db.query("membershipEvents").collect(),
          ),
        ).toHaveLength(actual.records);
        checked += 1;
      },
    ),
    { numRuns: RUNS },
  );
  task.meta.reportedCount = `membership convergence property: ${checked} shuffled scenarios matched their canonical order`;
}, 600_000);
