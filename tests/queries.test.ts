/**
 * The example app's public `whoami` and `sessionStatus`, as a client calls them.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../convex/_generated/api.js";
import { ClerkSessions, MAX_PAGE_SIZE } from "../src/client/core/index.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import {
  exampleApp,
  post,
  seedSessions,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
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
      derivedFromTime: false,
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
      derivedFromTime: false,
    });
  });

  test("anonymous caller: status only", async () => {
    const anonymous = await t.query(api.sessions.sessionStatus, {
      sessionId: "sess_A",
    });
    expect(Object.keys(anonymous).sort()).toEqual([
      "derivedFromTime",
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
      derivedFromTime: false,
    });
  });

  test("bad arguments are refused by the validator", async () => {
    await expect(
      t.query(api.sessions.sessionStatus, { sessionId: 42 } as never),
    ).rejects.toThrow(/Validator|sessionId/);
  });
});

describe("expiry is read against the clock", () => {
  const expired = () =>
    post(
      t,
      signedDelivery(
        clerkSessionEvent("session.created", {
          sessionId: "sess_X",
          userId: "user_1",
          updatedAt: Date.now() - 120_000,
          expireAt: Date.now() - 60_000,
        }),
      ).init,
    );

  test("a live session past its expireAt reads expired, derived from time, in whoami and sessionStatus", async () => {
    await expired();
    expect(
      await asUser("user_1", "sess_X").query(api.sessions.whoami, {}),
    ).toMatchObject({ session: { status: "expired" } });
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: "sess_X" }),
    ).toMatchObject({
      status: "expired",
      endedAt: expect.any(Number),
      derivedFromTime: true,
    });
  });

  test("a live token of the session (sts active) outranks the passed expireAt in whoami and its own sessionStatus", async () => {
    await expired();
    const live = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      tokenIdentifier: `${ISSUER}|user_1`,
      sid: "sess_X",
      sts: "active",
    });
    expect(await live.query(api.sessions.whoami, {})).toMatchObject({
      session: { status: "active" },
    });
    expect(
      await live.query(api.sessions.sessionStatus, { sessionId: "sess_X" }),
    ).toMatchObject({
      status: "active",
      endedAt: null,
      derivedFromTime: false,
    });
    // Anyone else still reads it from time.
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: "sess_X" }),
    ).toMatchObject({ status: "expired", derivedFromTime: true });
  });

  test("a token whose sts is not active or pending does not vouch", async () => {
    await expired();
    const odd = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      sid: "sess_X",
      sts: "expired",
    });
    expect(await odd.query(api.sessions.whoami, {})).toMatchObject({
      session: { status: "expired" },
    });
  });

  test("getSession and listSessions read it expired too", async () => {
    await expired();
    const read = await t.query(async (ctx) => {
      const clerkSessions = new ClerkSessions(components.clerkSessions);
      return {
        one: await clerkSessions.getSession(ctx, { sessionId: "sess_X" }),
        all: await clerkSessions.listSessions(ctx, {
          userId: "user_1",
          paginationOpts: { numItems: 10, cursor: null },
        }),
      };
    });
    expect(read.one?.status).toBe("expired");
    expect(
      Object.fromEntries(read.all.page.map((s) => [s.sessionId, s.status])),
    ).toEqual({ sess_A: "active", sess_X: "expired" });
  });

  test("listSessions returns at most MAX_PAGE_SIZE a page, whatever numItems asks", async () => {
    await seedSessions(t, {
      userId: "user_many",
      count: MAX_PAGE_SIZE + 20,
      status: "active",
      updatedAt: Date.now(),
    });
    const page = await t.query(async (ctx) =>
      new ClerkSessions(components.clerkSessions).listSessions(ctx, {
        userId: "user_many",
        paginationOpts: { numItems: 1_000_000, cursor: null },
      }),
    );
    expect(page.page).toHaveLength(MAX_PAGE_SIZE);
    expect(page.isDone).toBe(false);
  });

  test("a session past its abandonAt reads abandoned", async () => {
    await post(
      t,
      signedDelivery(
        clerkSessionEvent("session.created", {
          sessionId: "sess_Y",
          userId: "user_1",
          abandonAt: Date.now() - 1,
        }),
      ).init,
    );
    expect(
      await t.query(api.sessions.sessionStatus, { sessionId: "sess_Y" }),
    ).toMatchObject({ status: "abandoned" });
  });
});

describe("actor", () => {
  test("shown to the session's own user only", async () => {
    const created = clerkSessionEvent("session.created", {
      sessionId: "sess_I",
      userId: "user_1",
    });
    (created.data as Record<string, unknown>).actor = { sub: "user_support" };
    await post(t, signedDelivery(created).init);
    expect(
      await asUser("user_1", "sess_I").query(api.sessions.sessionStatus, {
        sessionId: "sess_I",
      }),
    ).toMatchObject({ actor: { sub: "user_support" } });
    expect(
      await asUser("user_2").query(api.sessions.sessionStatus, {
        sessionId: "sess_I",
      }),
    ).not.toHaveProperty("actor");
  });
});

describe("whoami and the Clerk issuer", () => {
  test("a token from another trusted issuer has no Clerk session", async () => {
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", ISSUER);
    const other = t.withIdentity({
      subject: "user_1",
      issuer: "https://auth.other.example",
      sid: "sess_A",
    });
    expect(await other.query(api.sessions.whoami, {})).toMatchObject({
      authenticated: true,
      sessionId: null,
      session: { status: "unknown" },
    });
    expect(
      await asUser("user_1", "sess_A").query(api.sessions.whoami, {}),
    ).toMatchObject({ sessionId: "sess_A", session: { status: "active" } });
  });

  test("sessionStatus shows who and where only to a Clerk token of the session's user", async () => {
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", ISSUER);
    const sameSubjectElsewhere = t.withIdentity({
      subject: "user_1",
      issuer: "https://auth.other.example",
    });
    const seen = await sameSubjectElsewhere.query(api.sessions.sessionStatus, {
      sessionId: "sess_A",
    });
    expect(Object.keys(seen).sort()).toEqual([
      "derivedFromTime",
      "endedAt",
      "expireAt",
      "sessionId",
      "status",
      "updatedAt",
    ]);
    expect(
      await asUser("user_1", "sess_A").query(api.sessions.sessionStatus, {
        sessionId: "sess_A",
      }),
    ).toMatchObject({ userId: "user_1", clientId: "client_9" });
  });
});
