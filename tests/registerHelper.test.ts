/**
 * `register(t)` from the package's `./test` export, used the way an app's own
 * test suite uses it.
 */
import { convexTest } from "convex-test";
import { afterEach, expect, test, vi } from "vitest";
import { api, components } from "../convex/_generated/api.js";
import schema from "../convex/schema.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { DELETION_BATCH_SIZE } from "../src/component/users.js";
import { register } from "../src/test.js";

const modules = import.meta.glob("../convex/**/*.*s");

afterEach(() => vi.unstubAllEnvs());

test("an app registers the component and its webhook and queries work", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  const t = convexTest(schema, modules);
  register(t);

  const event = clerkSessionEvent("session.created", {
    sessionId: "sess_A",
    userId: "user_1",
  });
  const response = await t.fetch("/clerk/webhook", signedDelivery(event).init);
  expect(response.status).toBe(200);

  const me = await t
    .withIdentity({ subject: "user_1", sid: "sess_A" })
    .query(api.sessions.whoami, {});
  expect(me).toMatchObject({
    authenticated: true,
    sessionId: "sess_A",
    session: { status: "active" },
  });
});

test("without register(t) the app cannot reach the component", async () => {
  const t = convexTest(schema, modules);
  await expect(
    t.query(api.sessions.sessionStatus, { sessionId: "sess_A" }),
  ).rejects.toThrow(/not registered/);
});

test("register(t) registers the component's workpool too: a deletion over one batch completes", async () => {
  vi.useFakeTimers();
  try {
    const t = convexTest(schema, modules);
    register(t);
    const count = DELETION_BATCH_SIZE + 2;
    for (let i = 0; i < count; i++) {
      await t.mutation(components.clerkSessions.events.apply, {
        event: {
          kind: "session",
          type: "session.created",
          session: {
            sessionId: `sess_${i}`,
            userId: "user_1",
            clientId: null,
            status: "active",
            createdAt: 1,
            updatedAt: 1,
            lastActiveAt: 1,
            expireAt: null,
            abandonAt: null,
            device: null,
            actor: null,
          },
        },
      });
    }
    await t.mutation(components.clerkSessions.events.apply, {
      event: { kind: "user.deleted", userId: "user_1", deletedAt: 2 },
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers, 200);
    const statuses: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await t.run((ctx) =>
        ctx.runQuery(components.clerkSessions.sessions.listByUser, {
          userId: "user_1",
          paginationOpts: { numItems: 100, cursor },
        }),
      );
      statuses.push(...page.page.map((s) => s.status));
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    expect(statuses).toEqual(Array(count).fill("removed"));
  } finally {
    vi.useRealTimers();
  }
}, 60_000);
