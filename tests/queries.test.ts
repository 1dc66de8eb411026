/**
 * The example app's public `whoami` and `sessionStatus`, as a client calls them.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { exampleApp, post, type ExampleApp } from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";

let t: ExampleApp;
beforeEach(async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
  const event = clerkSessionEvent("session.created", {
    sessionId: "sess_A",
    userId: "user_1",
    clientId: "client_9",
  });
  await post(t, signedDelivery(event).init);
});
afterEach(() => vi.unstubAllEnvs());

const ISSUER = "https://clerk.example.dev";
const asUser = (subject: string, sid?: string) =>
  t.withIdentity({
    subject,
    issuer: ISSUER,
    tokenIdentifier: `${ISSUER}|${subject}`,
    ...(sid ? { sid } : {}),
  });

describe("whoami", () => {
  test("unauthenticated", async () => {
    expect(await t.query(api.sessions.whoami, {})).toEqual({
      authenticated: false,
    });
  });

  test("a token with sid shows the stored session", async () => {
    expect(
      await asUser("user_1", "sess_A").query(api.sessions.whoami, {}),
    ).toEqual({
      authenticated: true,
      userId: "user_1",
      sessionId: "sess_A",
      tokenIdentifier: `${ISSUER}|user_1`,
      issuer: ISSUER,
      session: { status: "active", updatedAt: expect.any(Number) },
    });
  });

  test("a sid no webhook reported is unknown", async () => {
    const me = await asUser("user_1", "sess_never_seen").query(
      api.sessions.whoami,
      {},
    );
    expect(me).toMatchObject({
      sessionId: "sess_never_seen",
      session: { status: "unknown", updatedAt: null },
    });
  });

  test("a legacy token without sid gives sessionId null, not an error", async () => {
    const me = await asUser("user_1").query(api.sessions.whoami, {});
    expect(me).toMatchObject({
      authenticated: true,
      userId: "user_1",
      sessionId: null,
      session: { status: "unknown", updatedAt: null },
    });
  });
});

describe("sessionStatus", () => {
  test("own session: identifying fields included", async () => {
    expect(
      await asUser("user_1", "sess_A").query(api.sessions.sessionStatus, {
        sessionId: "sess_A",
      }),
    ).toEqual({
      sessionId: "sess_A",
      status: "active",
      updatedAt: expect.any(Number),
      endedAt: null,
      expireAt: expect.any(Number),
      userId: "user_1",
      clientId: "client_9",
      device: {
        deviceType: "iPhone",
        browserName: "Safari",
        browserVersion: "18.1",
        isMobile: true,
      },
      actor: null,
    });
  });

  test("another user's session: status only", async () => {
    const other = await asUser("user_2", "sess_B").query(
      api.sessions.sessionStatus,
      { sessionId: "sess_A" },
    );
    expect(other).toEqual({
      sessionId: "sess_A",
      status: "active",
      updatedAt: expect.any(Number),
      endedAt: null,
      expireAt: expect.any(Number),
    });
  });

  test("anonymous caller: status only", async () => {
    const anonymous = await t.query(api.sessions.sessionStatus, {
      sessionId: "sess_A",
    });
    expect(Object.keys(anonymous).sort()).toEqual([
      "endedAt",
      "expireAt",
      "sessionId",
      "status",
      "updatedAt",
    ]);
  });

  test("a session never reported is unknown", async () => {
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: "sess_nope" }),
    ).toEqual({
      sessionId: "sess_nope",
      status: "unknown",
      updatedAt: null,
      endedAt: null,
      expireAt: null,
    });
  });

  test("bad arguments are refused by the validator", async () => {
    await expect(
      t.query(api.sessions.sessionStatus, { sessionId: 42 } as never),
    ).rejects.toThrow(/Validator|sessionId/);
  });
});
