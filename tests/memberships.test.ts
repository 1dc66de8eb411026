/**
 * Memberships in the real component on convex-test: `memberships.apply`
 * with Clerk's published example payloads and with events built here,
 * `forToken` as the verifier reads it, `organization.deleted` in batches,
 * `onEvent` once per change, and pruning.
 */
import { createFunctionHandle } from "convex/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import { publishedPayload } from "../fixtures/clerkPublished/index.js";
import {
  exampleApp,
  membershipTables,
  seedMembership,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { DELETION_BATCH_SIZE } from "../src/component/deletionBatches.js";
import type {
  MembershipEvent,
  MembershipFacts,
} from "../src/shared/membershipValidators.js";

const NOW = Date.UTC(2026, 5, 1);
const DAY = 86_400_000;

let t: ExampleApp;
beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
  t = exampleApp();
});
afterEach(() => vi.useRealTimers());

const member = (extra: Partial<MembershipFacts> = {}): MembershipFacts => ({
  membershipId: "orgmem_1",
  organizationId: "org_1",
  userId: "user_1",
  role: "org:member",
  permissions: ["org:posts:read"],
  createdAt: NOW - 10 * DAY,
  updatedAt: NOW - 10 * DAY,
  ...extra,
});

const created = (extra: Partial<MembershipFacts> = {}): MembershipEvent => ({
  kind: "membership",
  type: "organizationMembership.created",
  membership: member(extra),
});
const updated = (extra: Partial<MembershipFacts> = {}): MembershipEvent => ({
  kind: "membership",
  type: "organizationMembership.updated",
  membership: member(extra),
});
const deleted = (
  extra: Partial<MembershipFacts> = {},
  deletedAt: number | null = NOW - DAY,
): MembershipEvent => ({
  kind: "membership",
  type: "organizationMembership.deleted",
  membership: member(extra),
  deletedAt,
});
const organizationDeleted = (
  organizationId = "org_1",
  deletedAt: number | null = NOW - DAY,
): MembershipEvent => ({
  kind: "organization.deleted",
  organizationId,
  deletedAt,
});

async function apply(event: MembershipEvent) {
  const onEvent = await t.run(() =>
    createFunctionHandle(internal.sessionEvents.record),
  );
  const { result } = await t.mutation(
    components.clerkSessions.memberships.apply,
    { event, onEvent },
  );
  return result;
}

async function forToken(organizationId = "org_1", userId = "user_1") {
  return await t.query(components.clerkSessions.memberships.forToken, {
    organizationId,
    userId,
  });
}

/** The changes `onEvent` received: kind, cause, membership, status after. */
async function reported() {
  const records = await t.run((ctx) =>
    ctx.db.query("membershipEvents").collect(),
  );
  return records.map((r) => [r.type, r.cause, r.membershipId, r.after.status]);
}

/** Clerk's published example, turned into the component's event. */
function publishedEvent(file: string): MembershipEvent {
  const body = JSON.parse(publishedPayload(file).body) as {
    type: string;
    timestamp: number;
    data: {
      id: string;
      role: string;
      permissions: string[];
      organization: { id: string };
      public_user_data: { user_id: string };
      created_at: number;
      updated_at: number;
    };
  };
  const { data } = body;
  if (body.type === "organization.deleted") {
    return organizationDeleted(data.id, body.timestamp * 1000);
  }
  const membership: MembershipFacts = {
    membershipId: data.id,
    organizationId: data.organization.id,
    userId: data.public_user_data.user_id,
    role: data.role,
    permissions: data.permissions,
    createdAt: data.created_at,
    updatedAt: data.updated_at,
  };
  return body.type === "organizationMembership.deleted"
    ? {
        kind: "membership",
        type: body.type,
        membership,
        deletedAt: body.timestamp * 1000,
      }
    : {
        kind: "membership",
        type: body.type as "organizationMembership.created",
        membership,
      };
}

describe("Clerk's published examples", () => {
  const ORG = "org_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
  const USER = "user_2h8op3Isl1QR7tKu5FGNfaLKEoU";
  const PUBLISHED_AT = 1_716_883_200_000;
  const file = (type: string) => `openapi.${type}.json`;

  test("created: an active member with the published role and permissions", async () => {
    expect(
      await apply(publishedEvent(file("organizationMembership.created"))),
    ).toBe("applied");
    expect(await forToken(ORG, USER)).toEqual({
      status: "active",
      role: "org:member",
      permissions: ["org:posts:read", "org:posts:write"],
      updatedAt: PUBLISHED_AT,
    });
  });

  test("created -> updated: the admin role, reported as role_changed", async () => {
    await apply(publishedEvent(file("organizationMembership.created")));
    expect(
      await apply(publishedEvent(file("organizationMembership.updated"))),
    ).toBe("applied");
    expect(await forToken(ORG, USER)).toMatchObject({
      status: "active",
      role: "org:admin",
      updatedAt: PUBLISHED_AT + 300_000,
    });
    expect(await reported()).toEqual([
      [
        "membership.created",
        "organizationMembership.created",
        "orgmem_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "active",
      ],
      [
        "membership.role_changed",
        "organizationMembership.updated",
        "orgmem_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "active",
      ],
    ]);
  });

  test("updated -> deleted: the deletion wins although its updated_at is older", async () => {
    await apply(publishedEvent(file("organizationMembership.updated")));
    expect(
      await apply(publishedEvent(file("organizationMembership.deleted"))),
    ).toBe("applied");
    expect(await forToken(ORG, USER)).toEqual({
      status: "deleted",
      deletedAt: PUBLISHED_AT,
    });
    // A late created cannot bring it back.
    expect(
      await apply(publishedEvent(file("organizationMembership.created"))),
    ).toBe("stale");
    expect((await forToken(ORG, USER))?.status).toBe("deleted");
  });

  test("organization.deleted ends the membership, and is remembered", async () => {
    await apply(publishedEvent(file("organizationMembership.created")));
    expect(await apply(publishedEvent(file("organization.deleted")))).toBe(
      "applied",
    );
    expect(await forToken(ORG, USER)).toEqual({
      status: "deleted",
      deletedAt: PUBLISHED_AT,
    });
    expect(await apply(publishedEvent(file("organization.deleted")))).toBe(
      "duplicate",
    );
    const { organizationDeletions } = await membershipTables(t);
    expect(organizationDeletions).toEqual([
      expect.objectContaining({
        organizationId: ORG,
        deletion: { at: PUBLISHED_AT },
      }),
    ]);
    expect(await reported()).toEqual([
      [
        "membership.created",
        "organizationMembership.created",
        "orgmem_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "active",
      ],
      [
        "membership.removed",
        "organization.deleted",
        "orgmem_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
        "deleted",
      ],
    ]);
  });
});

describe("memberships.apply", () => {
  test("a replay is duplicate and reports nothing", async () => {
    expect(await apply(created())).toBe("applied");
    expect(await apply(created())).toBe("duplicate");
    expect(await reported()).toEqual([
      [
        "membership.created",
        "organizationMembership.created",
        "orgmem_1",
        "active",
      ],
    ]);
  });

  test("an older update is stale; an update of updated_at alone is stored but not reported", async () => {
    await apply(updated({ role: "org:admin", updatedAt: NOW - 5 * DAY }));
    expect(await apply(updated({ updatedAt: NOW - 6 * DAY }))).toBe("stale");
    expect(
      await apply(updated({ role: "org:admin", updatedAt: NOW - 4 * DAY })),
    ).toBe("applied");
    expect(await forToken()).toMatchObject({
      role: "org:admin",
      updatedAt: NOW - 4 * DAY,
    });
    expect(await reported()).toEqual([
      [
        "membership.created",
        "organizationMembership.updated",
        "orgmem_1",
        "active",
      ],
    ]);
  });

  test("an event naming another user or organization is ignored and changes nothing", async () => {
    await apply(created());
    const before = await membershipTables(t);
    expect(
      await apply(updated({ userId: "user_2", updatedAt: NOW - DAY })),
    ).toBe("ignored");
    expect(
      await apply(deleted({ organizationId: "org_2", updatedAt: NOW - DAY })),
    ).toBe("ignored");
    expect(await membershipTables(t)).toEqual(before);
    expect(await forToken("org_1", "user_2")).toBeNull();
  });

  test("a deletion heard first leaves a tombstone: the late created is stale", async () => {
    expect(await apply(deleted())).toBe("applied");
    expect(await apply(created())).toBe("stale");
    expect(await forToken()).toEqual({
      status: "deleted",
      deletedAt: NOW - DAY,
    });
    expect(await reported()).toEqual([
      [
        "membership.removed",
        "organizationMembership.deleted",
        "orgmem_1",
        "deleted",
      ],
    ]);
  });

  test("a member removed and invited again is active: the newest membership speaks", async () => {
    await apply(created());
    await apply(deleted());
    await apply(
      created({
        membershipId: "orgmem_2",
        createdAt: NOW - DAY / 2,
        updatedAt: NOW - DAY / 2,
      }),
    );
    expect(await forToken()).toMatchObject({ status: "active" });
  });

  test("an event of the wrong shape is refused and changes nothing", async () => {
    await expect(
      t.mutation(components.clerkSessions.memberships.apply, {
        event: { kind: "membership", type: "organizationMembership.created" },
      } as never),
    ).rejects.toThrow(/Validator|membership/);
    expect(await membershipTables(t)).toEqual({
      memberships: [],
      organizationDeletions: [],
    });
  });
});

describe("forToken", () => {
  test("unknown membership of a live organization: null", async () => {
    expect(await forToken()).toBeNull();
  });

  test("unknown membership of a deleted organization: deleted", async () => {
    await apply(organizationDeleted());
    expect(await forToken()).toEqual({
      status: "deleted",
      deletedAt: NOW - DAY,
    });
  });
});

describe("forToken's reads", () => {
  // convex-test counts index ranges per transaction: with a limit of one,
  // a second lookup throws.
  const limited = () =>
    exampleApp({ transactionLimits: { databaseQueries: 1 } });
  const read = (app: ExampleApp) =>
    app.query(components.clerkSessions.memberships.forToken, {
      organizationId: "org_1",
      userId: "user_1",
    });

  test("a stored membership costs one index lookup", async () => {
    const app = limited();
    await seedMembership(app, member());
    await expect(read(app)).resolves.toMatchObject({ status: "active" });
  });

  test("an unknown one costs a second, the organization's deletion record", async () => {
    await expect(read(limited())).rejects.toThrow(/index ranges/);
    await expect(read(exampleApp())).resolves.toBeNull();
  });
});

describe("organization.deleted", () => {
  test("ends every membership of the organization, not of others; a late membership event is stored deleted", async () => {
    await apply(created());
    await apply(created({ membershipId: "orgmem_2", userId: "user_2" }));
    await apply(
      created({ membershipId: "orgmem_3", organizationId: "org_other" }),
    );
    expect(await apply(organizationDeleted())).toBe("applied");
    expect((await forToken("org_1", "user_1"))?.status).toBe("deleted");
    expect((await forToken("org_1", "user_2"))?.status).toBe("deleted");
    expect((await forToken("org_other", "user_1"))?.status).toBe("active");
    expect(
      await apply(created({ membershipId: "orgmem_4", userId: "user_4" })),
    ).toBe("applied");
    expect(await forToken("org_1", "user_4")).toEqual({
      status: "deleted",
      deletedAt: NOW - DAY,
    });
  });

  test("the earliest time wins: a later one is stale, an earlier one applied", async () => {
    await apply(created());
    await apply(organizationDeleted("org_1", NOW - DAY));
    expect(await apply(organizationDeleted("org_1", NOW))).toBe("stale");
    expect(await apply(organizationDeleted("org_1", NOW - 2 * DAY))).toBe(
      "applied",
    );
    expect(await forToken()).toEqual({
      status: "deleted",
      deletedAt: NOW - 2 * DAY,
    });
  });

  test(`more memberships than one batch (${DELETION_BATCH_SIZE}) are all ended, each reported once`, async () => {
    const count = DELETION_BATCH_SIZE + 7;
    for (let i = 0; i < count; i++) {
      await t.mutation(components.clerkSessions.memberships.apply, {
        event: created({ membershipId: `orgmem_${i}`, userId: `user_${i}` }),
      });
    }
    await apply(organizationDeleted());
    const afterFirst = (await membershipTables(t)).memberships.filter(
      (m) => m.status === "deleted",
    );
    expect(afterFirst).toHaveLength(DELETION_BATCH_SIZE);
    await t.finishAllScheduledFunctions(vi.runAllTimers, 100);
    const { memberships } = await membershipTables(t);
    expect(memberships.every((m) => m.status === "deleted")).toBe(true);
    const removals = (await reported()).filter(
      ([type]) => type === "membership.removed",
    );
    expect(removals).toHaveLength(count);
    expect(new Set(removals.map(([, , id]) => id)).size).toBe(count);
  });
});

describe("retention", () => {
  test("deleted memberships and organization records go after retention; active ones stay; a replay of a pruned membership is stale", async () => {
    await apply(created({ membershipId: "orgmem_live", userId: "user_live" }));
    await apply(created());
    await apply(deleted());
    await apply(
      created({ membershipId: "orgmem_o", organizationId: "org_gone" }),
    );
    await apply(organizationDeleted("org_gone"));
    vi.setSystemTime(NOW + 31 * DAY);
    const result = await t.mutation(internal.sessions.prune, {});
    expect(result).toMatchObject({ memberships: 2, organizationDeletions: 1 });
    const { memberships, organizationDeletions } = await membershipTables(t);
    expect(memberships.map((m) => m.membershipId)).toEqual(["orgmem_live"]);
    expect(organizationDeletions).toEqual([]);
    expect(await apply(deleted())).toBe("stale");
    expect((await membershipTables(t)).memberships).toHaveLength(1);
    // A late organization.deleted writes its record again and ends what is
    // live of it: nothing, here.
    expect(await apply(organizationDeleted("org_gone"))).toBe("applied");
    expect((await membershipTables(t)).memberships).toHaveLength(1);
  });
});
