/**
 * `defineSessionEventHandler` with the membership kinds: each handler gets
 * its own kind, narrowed, from the real component; what the validator
 * cannot check is refused.
 */
import { createFunctionHandle } from "convex/server";
import { describe, expect, expectTypeOf, test } from "vitest";
import { components, internal } from "../convex/_generated/api.js";
import { internalMutation } from "../convex/_generated/server.js";
import { exampleApp } from "../fixtures/exampleApp.js";
import {
  defineSessionEventHandler,
  type ActiveMembership,
  type EventChangeOf,
  type MembershipChangeCause,
  type RemovedMembership,
  type StoredMembership,
} from "../src/client/core/index.js";
import { toEventChange } from "../src/client/core/sessionEvents.js";

const membership = (
  status: StoredMembership["status"],
  role = "org:member",
): StoredMembership => ({
  membershipId: "orgmem_1",
  organizationId: "org_1",
  userId: "user_1",
  status,
  role,
  permissions: [],
  createdAt: 1,
  updatedAt: 2,
  deletedAt: status === "deleted" ? 3 : null,
});

describe("the example app's handler hears every membership kind, from the component", () => {
  test("created, role_changed, removed, each with its cause", async () => {
    const t = exampleApp();
    const onEvent = await t.run(() =>
      createFunctionHandle(internal.sessionEvents.record),
    );
    const facts = {
      membershipId: "orgmem_1",
      organizationId: "org_1",
      userId: "user_1",
      role: "org:member",
      permissions: ["org:a"],
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    const apply = (event: unknown) =>
      t.mutation(components.clerkSessions.memberships.apply, {
        event: event as never,
        onEvent,
      });
    await apply({
      kind: "membership",
      type: "organizationMembership.created",
      membership: facts,
    });
    await apply({
      kind: "membership",
      type: "organizationMembership.updated",
      membership: {
        ...facts,
        role: "org:admin",
        updatedAt: facts.updatedAt + 1,
      },
    });
    await apply({
      kind: "organization.deleted",
      organizationId: "org_1",
      deletedAt: facts.updatedAt + 2,
    });
    const records = await t.run((ctx) =>
      ctx.db.query("membershipEvents").collect(),
    );
    expect(
      records.map((r) => [
        r.type,
        r.cause,
        r.before?.role ?? null,
        r.after.role,
      ]),
    ).toEqual([
      [
        "membership.created",
        "organizationMembership.created",
        null,
        "org:member",
      ],
      [
        "membership.role_changed",
        "organizationMembership.updated",
        "org:member",
        "org:admin",
      ],
      ["membership.removed", "organization.deleted", "org:admin", "org:admin"],
    ]);
  });
});

describe("toEventChange: what the validator cannot check", () => {
  test("a membership change that fits its kind passes through unchanged", () => {
    const change = {
      type: "membership.removed" as const,
      cause: "organizationMembership.deleted" as const,
      before: membership("active"),
      after: membership("deleted"),
    };
    expect(toEventChange(change)).toBe(change);
  });

  test("a kind its records contradict is refused", () => {
    expect(() =>
      toEventChange({
        type: "membership.removed",
        cause: "organizationMembership.deleted",
        before: null,
        after: membership("active"),
      }),
    ).toThrow("A membership.removed change does not fit its kind");
    expect(() =>
      toEventChange({
        type: "membership.created",
        cause: "organizationMembership.created",
        before: membership("active"),
        after: membership("active"),
      }),
    ).toThrow("does not fit its kind");
  });

  test("a membership kind without a cause, or a session kind with a membership, is refused", () => {
    expect(() =>
      toEventChange({
        type: "membership.created",
        before: null,
        after: membership("active"),
      }),
    ).toThrow("must carry memberships and a cause");
    expect(() =>
      toEventChange({
        type: "session.created",
        before: null,
        after: membership("active"),
      }),
    ).toThrow("must carry sessions and no cause");
  });
});

test("types: each membership kind is its own case, narrowed", () => {
  expectTypeOf<
    EventChangeOf<"membership.created">["before"]
  >().toEqualTypeOf<null>();
  expectTypeOf<
    EventChangeOf<"membership.role_changed">["before"]
  >().toEqualTypeOf<ActiveMembership>();
  expectTypeOf<
    EventChangeOf<"membership.removed">["after"]
  >().toEqualTypeOf<RemovedMembership>();
  expectTypeOf<
    EventChangeOf<"membership.removed">["cause"]
  >().toEqualTypeOf<MembershipChangeCause>();
  defineSessionEventHandler(internalMutation, {
    "membership.removed": (_ctx, change) => {
      expectTypeOf(change.after.status).toEqualTypeOf<"deleted">();
    },
    // @ts-expect-error: not a kind of change
    "membership.updated": () => {},
  });
});
