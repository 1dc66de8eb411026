/**
 * The membership state rules, without a database: each test is a transition
 * of one membership under the events named.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  effectiveMembership,
  membershipChangeType,
  membershipReport,
  membershipRetentionStart,
  mergeMembershipState,
  normalizedPermissions,
  type MembershipIncoming,
  type MembershipReport,
  type MembershipState,
} from "../src/component/membershipState.js";
import type {
  MembershipFacts,
  StoredMembership,
} from "../src/shared/membershipValidators.js";

function facts(
  updatedAt: number,
  extra: Partial<MembershipFacts> = {},
): MembershipFacts {
  return {
    membershipId: "orgmem_1",
    organizationId: "org_1",
    userId: "user_1",
    role: "org:member",
    permissions: ["org:posts:read"],
    createdAt: 1,
    updatedAt,
    ...extra,
  };
}

const live = (updatedAt: number, extra: Partial<MembershipFacts> = {}) =>
  membershipReport(facts(updatedAt, extra), null);
const deleted = (
  updatedAt: number,
  deletedAt: number | null,
  extra: Partial<MembershipFacts> = {},
) => membershipReport(facts(updatedAt, extra), { deletedAt });

function fold(events: MembershipIncoming[]): MembershipState {
  let state: MembershipState | null = null;
  for (const event of events) state = mergeMembershipState(state, event).state;
  if (state === null) throw new Error("no events");
  return state;
}

const read = (events: MembershipIncoming[]) =>
  effectiveMembership(fold(events));

/** The result of delivering `last` after `first`. */
function resultOf(first: MembershipIncoming[], last: MembershipIncoming) {
  return mergeMembershipState(fold(first), last);
}

describe("membership transitions", () => {
  test("unknown -> active", () => {
    const { state, changed, result } = mergeMembershipState(null, {
      report: live(10),
    });
    expect({ changed, result }).toEqual({ changed: true, result: "applied" });
    expect(effectiveMembership(state)).toMatchObject({
      status: "active",
      role: "org:member",
      deletedAt: null,
    });
  });

  test("active -> deleted", () => {
    const { state, result } = resultOf([{ report: live(10) }], {
      report: deleted(10, 50),
    });
    expect(result).toBe("applied");
    expect(effectiveMembership(state)).toMatchObject({
      status: "deleted",
      deletedAt: 50,
    });
  });

  test("role_changed by later updated_at", () => {
    const { state, result } = resultOf([{ report: live(10) }], {
      report: live(20, { role: "org:admin" }),
    });
    expect(result).toBe("applied");
    expect(effectiveMembership(state)).toMatchObject({
      status: "active",
      role: "org:admin",
      updatedAt: 20,
    });
  });

  test("role_changed + older updated stays role_changed (stale)", () => {
    const { state, result } = resultOf(
      [{ report: live(20, { role: "org:admin" }) }],
      { report: live(10) },
    );
    expect(result).toBe("stale");
    expect(effectiveMembership(state).role).toBe("org:admin");
  });

  test("deleted + late created stays deleted (stale)", () => {
    const { state, changed, result } = resultOf([{ report: deleted(10, 50) }], {
      report: live(10),
    });
    expect({ changed, result }).toEqual({ changed: false, result: "stale" });
    expect(effectiveMembership(state).status).toBe("deleted");
  });

  test("deleted + updated with a later updated_at stays deleted (deletion is sticky)", () => {
    // Clerk's published examples: the deletion carries the membership's
    // last `updated_at`, older than an update delivered after it.
    const { state, result } = resultOf(
      [{ report: live(10) }, { report: deleted(10, 60) }],
      { report: live(30, { role: "org:admin" }) },
    );
    expect(result).toBe("stale");
    expect(effectiveMembership(state)).toMatchObject({
      status: "deleted",
      role: "org:member",
      deletedAt: 60,
    });
  });

  test("unknown -> deleted leaves a tombstone", () => {
    const state = fold([{ report: deleted(10, 50) }]);
    expect(effectiveMembership(state)).toMatchObject({
      status: "deleted",
      deletedAt: 50,
    });
  });

  test("active + replay is duplicate, and changes nothing", () => {
    const { state, changed, result } = resultOf([{ report: live(10) }], {
      report: live(10),
    });
    expect({ changed, result }).toEqual({
      changed: false,
      result: "duplicate",
    });
    expect(state).toEqual(fold([{ report: live(10) }]));
  });

  test("deleted + replayed deletion is duplicate", () => {
    expect(
      resultOf([{ report: deleted(10, 50) }], { report: deleted(10, 50) })
        .result,
    ).toBe("duplicate");
  });

  test("active + event naming another user is ignored", () => {
    const { state, changed, result } = resultOf([{ report: live(10) }], {
      report: live(20, { userId: "user_2", role: "org:admin" }),
    });
    expect({ changed, result }).toEqual({ changed: false, result: "ignored" });
    expect(effectiveMembership(state)).toMatchObject({
      userId: "user_1",
      role: "org:member",
    });
  });

  test("active + event naming another organization is ignored", () => {
    expect(
      resultOf([{ report: live(10) }], {
        report: deleted(20, 30, { organizationId: "org_2" }),
      }).result,
    ).toBe("ignored");
  });

  test("active -> deleted by organization.deleted, at the organization's time", () => {
    const { state, result } = resultOf([{ report: live(10) }], {
      organizationDeletion: { at: 40 },
    });
    expect(result).toBe("applied");
    expect(effectiveMembership(state)).toMatchObject({
      status: "deleted",
      deletedAt: 40,
    });
  });

  test("organization deleted + late created stays deleted", () => {
    const { state, result } = resultOf(
      [{ report: live(10), organizationDeletion: { at: 40 } }],
      { report: live(5) },
    );
    expect(result).toBe("stale");
    expect(effectiveMembership(state).status).toBe("deleted");
  });

  test("organization deleted + later updated keeps the role it brings, still deleted", () => {
    const { state, result } = resultOf(
      [{ report: live(10), organizationDeletion: { at: 40 } }],
      { report: live(20, { role: "org:admin" }) },
    );
    expect(result).toBe("applied");
    expect(effectiveMembership(state)).toMatchObject({
      status: "deleted",
      role: "org:admin",
      deletedAt: 40,
    });
  });

  test("organization deleted twice keeps the earliest time; a repeat or a later time changes nothing", () => {
    // The answer to the webhook comes from the organization's own record
    // (see organizations.ts); here only whether the membership changed counts.
    const first = [{ report: live(10) }, { organizationDeletion: { at: 40 } }];
    for (const at of [40, 70]) {
      expect(resultOf(first, { organizationDeletion: { at } }).changed).toBe(
        false,
      );
    }
    const earlier = resultOf(first, { organizationDeletion: { at: 30 } });
    expect(earlier.result).toBe("applied");
    expect(effectiveMembership(earlier.state).deletedAt).toBe(30);
  });

  test("deleted + organization.deleted changes nothing: the membership's own deletion stands", () => {
    const { changed, result, state } = resultOf([{ report: deleted(10, 50) }], {
      organizationDeletion: { at: 40 },
    });
    expect({ changed, result }).toEqual({
      changed: false,
      result: "duplicate",
    });
    expect(effectiveMembership(state).deletedAt).toBe(50);
  });

  test("equal updated_at with other content: a fixed order settles it, whichever arrives first", () => {
    const a = live(10, { role: "org:admin" });
    const b = live(10, { role: "org:member" });
    expect(read([{ report: a }, { report: b }])).toEqual(
      read([{ report: b }, { report: a }]),
    );
  });

  test("permissions are a set: order and repeats in the payload change nothing", () => {
    expect(normalizedPermissions(["b", "a", "b"])).toEqual(["a", "b"]);
    const { result } = resultOf(
      [{ report: live(10, { permissions: ["x", "y"] }) }],
      { report: live(10, { permissions: ["y", "x", "x"] }) },
    );
    expect(result).toBe("duplicate");
  });

  test("a new membership needs an event", () => {
    expect(() =>
      mergeMembershipState(null, { organizationDeletion: { at: 1 } }),
    ).toThrow(/needs the facts/);
  });
});

describe("retention of a membership", () => {
  test("active -> kept (no retention start)", () => {
    expect(membershipRetentionStart(fold([{ report: live(10) }]))).toBeNull();
  });

  test("deleted -> counts from its deletion", () => {
    expect(membershipRetentionStart(fold([{ report: deleted(10, 50) }]))).toBe(
      50,
    );
  });

  test("deleted with no time -> counts from its updated_at", () => {
    expect(
      membershipRetentionStart(fold([{ report: deleted(10, null) }])),
    ).toBe(10);
  });

  test("organization deleted -> counts from the organization's deletion, never before the latest event", () => {
    expect(
      membershipRetentionStart(
        fold([{ report: live(60) }, { organizationDeletion: { at: 40 } }]),
      ),
    ).toBe(60);
  });
});

describe("change kinds reported to onEvent", () => {
  const stored = (report: MembershipReport): StoredMembership =>
    effectiveMembership({ reported: report, organizationDeletion: null });

  test("unknown -> active is membership.created", () => {
    expect(membershipChangeType(null, stored(live(10)))).toBe(
      "membership.created",
    );
  });

  test("unknown -> deleted (a tombstone) is membership.removed", () => {
    expect(membershipChangeType(null, stored(deleted(10, 20)))).toBe(
      "membership.removed",
    );
  });

  test("active -> deleted is membership.removed", () => {
    expect(
      membershipChangeType(stored(live(10)), stored(deleted(10, 20))),
    ).toBe("membership.removed");
  });

  test("active -> another role or other permissions is membership.role_changed", () => {
    expect(
      membershipChangeType(
        stored(live(10)),
        stored(live(20, { role: "org:admin" })),
      ),
    ).toBe("membership.role_changed");
    expect(
      membershipChangeType(
        stored(live(10)),
        stored(live(20, { permissions: ["org:posts:read", "org:x"] })),
      ),
    ).toBe("membership.role_changed");
  });

  test("active -> the same grant at a later updated_at is not reported", () => {
    expect(membershipChangeType(stored(live(10)), stored(live(20)))).toBeNull();
  });

  test("deleted -> deleted is not reported again", () => {
    expect(
      membershipChangeType(stored(deleted(10, 20)), stored(deleted(30, 40))),
    ).toBeNull();
  });
});

describe("the merge is a join", () => {
  const report = fc
    .record({
      updatedAt: fc.integer({ min: 0, max: 4 }),
      role: fc.constantFrom("org:admin", "org:member"),
      permissions: fc.subarray(["a", "b", "c"]),
      deleted: fc.option(fc.integer({ min: 0, max: 6 }), { freq: 3 }),
      intruder: fc.boolean(),
    })
    .map(({ updatedAt, role, permissions, deleted, intruder }) =>
      membershipReport(
        facts(updatedAt, {
          role,
          permissions,
          ...(intruder ? { userId: "user_intruder" } : {}),
        }),
        deleted === null ? null : { deletedAt: deleted },
      ),
    );
  const incoming: fc.Arbitrary<MembershipIncoming> = fc.oneof(
    { arbitrary: report.map((r) => ({ report: r })), weight: 4 },
    {
      arbitrary: fc
        .option(fc.integer({ min: 0, max: 6 }), { nil: null })
        .map((at) => ({ organizationDeletion: { at } })),
      weight: 1,
    },
  );
  const owner: MembershipIncoming = { report: live(0) };

  test("any order of a set of events, with replays, gives the same state", () => {
    fc.assert(
      fc.property(
        fc.array(incoming, { minLength: 1, maxLength: 8 }),
        fc.func(fc.double({ noNaN: true })),
        fc.array(fc.nat(), { maxLength: 4 }),
        (events, key, replays) => {
          const shuffled = [
            ...events,
            ...replays.map((i) => events[i % events.length]!),
          ]
            .map((event, i) => ({ event, k: key(i) }))
            .sort((a, b) => a.k - b.k)
            .map(({ event }) => event);
          // The owner is recorded first in both: it is outside the join.
          const once = fold([owner, ...events]);
          expect(fold([owner, ...shuffled])).toEqual(once);
          expect(effectiveMembership(once).userId).toBe("user_1");
          // Replaying everything changes nothing.
          for (const event of events) {
            expect(mergeMembershipState(once, event).changed).toBe(false);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
