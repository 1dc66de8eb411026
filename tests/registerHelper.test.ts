/**
 * `register(t)` from the package's `./test` export, used the way an app's own
 * test suite uses it.
 */
import { convexTest } from "convex-test";
import { afterEach, expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api.js";
import schema from "../convex/schema.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
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
