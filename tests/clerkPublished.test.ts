/**
 * Clerk's own published example payloads, delivered as published (bytes
 * unchanged, envelope `timestamp` in seconds where Clerk wrote it so),
 * signed with svix's `Webhook.sign`, through the example app's real route.
 * Their `updated_at`s are fixed dates of 2024, so the store is checked by
 * what it holds, not by status reads that apply expiry.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api.js";
import {
  PUBLISHED_PAYLOADS,
  publishedPayload,
} from "../fixtures/clerkPublished/index.js";
import {
  componentTables,
  exampleApp,
  post,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { HANDLED_EVENT_TYPES } from "../src/client/webhook/payload.js";

/** The times every published session example carries, in ms. */
const PUBLISHED_AT = 1_716_883_200_000; // 2024-05-28T08:00:00Z
const SESSION_ID = "sess_2g7np7Hrk0SN6kj5EDMLDaKNL0S";
const USER_ID = "user_2g7np7Hrk0SN6kj5EDMLDaKNL0S";

let t: ExampleApp;
beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  vi.stubEnv("CLERK_WEBHOOK_SECRET", "");
  t = exampleApp();
});
afterEach(() => vi.unstubAllEnvs());

async function deliver(file: string) {
  return await post(t, signedDelivery(publishedPayload(file).body).init);
}

async function storedSession() {
  const { sessions } = await componentTables(t);
  expect(sessions).toHaveLength(1);
  const [session] = sessions;
  if (session === undefined) throw new Error("no session stored");
  return session;
}

describe("the fixture is Clerk's, with its source", () => {
  const files = Object.keys(
    import.meta.glob("../fixtures/clerkPublished/*.json"),
  ).map((path) => path.split("/").pop());

  test("every JSON file in the folder is listed with its source", () => {
    expect(PUBLISHED_PAYLOADS.map((p) => p.file).sort()).toEqual(files.sort());
    for (const { source } of PUBLISHED_PAYLOADS) {
      expect(source.repository).toMatch(/^github\.com\/clerk\//);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(source.path).not.toBe("");
      expect(source.at).not.toBe("");
    }
  });

  test.each(PUBLISHED_PAYLOADS.map((p) => [p.file, p] as const))(
    "%s is a Clerk event of the type it is listed as",
    (_file, payload) => {
      const event = JSON.parse(payload.body) as Record<string, unknown>;
      expect(event).toMatchObject({ object: "event", type: payload.type });
    },
  );

  test("every handled type has a published example, and so do several unhandled ones", () => {
    const types = new Set(PUBLISHED_PAYLOADS.map((p) => p.type));
    for (const type of HANDLED_EVENT_TYPES) expect(types).toContain(type);
    const unhandled = [...types].filter(
      (type) => !(HANDLED_EVENT_TYPES as readonly string[]).includes(type),
    );
    expect(unhandled.length).toBeGreaterThanOrEqual(3);
  });
});

describe("handled types are applied and stored in ms", () => {
  test("session.created: active, every time in ms, device and actor", async () => {
    const answer = await deliver("openapi.session.created.json");
    expect(answer).toMatchObject({ status: 200, body: { result: "applied" } });
    expect(await storedSession()).toMatchObject({
      sessionId: SESSION_ID,
      userId: USER_ID,
      clientId: "client_2g7np7Hrk0SN6kj5EDMLDaKNL0S",
      status: "active",
      createdAt: PUBLISHED_AT,
      updatedAt: PUBLISHED_AT,
      lastActiveAt: PUBLISHED_AT,
      expireAt: 1_716_969_600_000,
      abandonAt: 1_719_475_200_000,
      endedAt: null,
      device: {
        deviceType: "desktop",
        browserName: "Chrome",
        browserVersion: "128.0.0.0",
        isMobile: false,
      },
      actor: null,
    });
  });

  test("session.created: its expire_at (2024) has passed, so it reads expired", async () => {
    await deliver("openapi.session.created.json");
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: SESSION_ID }),
    ).toMatchObject({ status: "expired", expireAt: 1_716_969_600_000 });
  });

  test("session.pending: stored pending, no device (latest_activity null)", async () => {
    const answer = await deliver("openapi.session.pending.json");
    expect(answer).toMatchObject({ status: 200, body: { result: "applied" } });
    expect(await storedSession()).toMatchObject({
      sessionId: SESSION_ID,
      userId: USER_ID,
      status: "pending",
      updatedAt: PUBLISHED_AT,
      expireAt: 1_716_969_600_000,
      abandonAt: 1_716_969_600_000,
      endedAt: null,
      device: null,
      actor: null,
    });
  });

  test.each([
    ["openapi.session.ended.json", "ended"],
    ["openapi.session.removed.json", "removed"],
    ["openapi.session.revoked.json", "revoked"],
  ] as const)(
    "%s: stored %s, ended at its updated_at in ms",
    async (file, status) => {
      const answer = await deliver(file);
      expect(answer).toMatchObject({
        status: 200,
        body: { result: "applied" },
      });
      expect(await storedSession()).toMatchObject({
        sessionId: SESSION_ID,
        userId: USER_ID,
        status,
        updatedAt: PUBLISHED_AT,
        endedAt: PUBLISHED_AT,
        device: null,
        actor: null,
      });
    },
  );

  test("session.created then session.ended keeps the device recorded earlier", async () => {
    await deliver("openapi.session.created.json");
    await deliver("openapi.session.ended.json");
    expect((await storedSession()).device).toMatchObject({
      browserName: "Chrome",
    });
  });

  test("user.deleted with its envelope timestamp in seconds removes the user's session at that time in ms", async () => {
    await deliver("openapi.session.created.json");
    const answer = await deliver("openapi.user.deleted.json");
    expect(answer).toMatchObject({ status: 200, body: { result: "applied" } });
    const { sessions, deletedUsers } = await componentTables(t);
    expect(deletedUsers).toEqual([
      expect.objectContaining({
        userId: USER_ID,
        deletion: { at: PUBLISHED_AT },
      }),
    ]);
    expect(sessions).toEqual([
      expect.objectContaining({
        sessionId: SESSION_ID,
        status: "removed",
        endedAt: PUBLISHED_AT,
      }),
    ]);
  });
});

describe("unhandled types are acknowledged and change nothing", () => {
  const unhandled = PUBLISHED_PAYLOADS.filter(
    (p) => !(HANDLED_EVENT_TYPES as readonly string[]).includes(p.type),
  );
  test.each(unhandled.map((p) => [p.file, p] as const))(
    "%s -> ignored",
    async (file) => {
      await deliver("openapi.session.created.json");
      const before = await componentTables(t);
      const answer = await deliver(file);
      expect(answer).toEqual({
        status: 200,
        body: { result: "ignored" },
        text: '{"result":"ignored"}',
      });
      expect(await componentTables(t)).toEqual(before);
    },
  );
});
