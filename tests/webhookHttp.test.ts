/**
 * Every row of the HTTP contract in DESIGN.md, over convex-test's HTTP router,
 * with deliveries signed by svix's own `Webhook.sign`. Svix's verification
 * itself is svix's to test: a few cases here only show it is wired in.
 * Secret configuration: webhookSecrets.test.ts.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  BASE_TIME,
  clerkOtherEvent,
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  componentTables,
  exampleApp,
  post,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import {
  OTHER_SECRET,
  TEST_SECRET,
  signedDelivery,
  type DeliveryOptions,
} from "../fixtures/svixDelivery.js";
import { MAX_SIGNATURES } from "../src/client/webhook/signature.js";

let t: ExampleApp;
beforeEach(() => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  vi.stubEnv("CLERK_WEBHOOK_SECRET", "");
  t = exampleApp();
});
afterEach(() => vi.unstubAllEnvs());

const created = (sessionId = "sess_A", updatedAt = BASE_TIME) =>
  clerkSessionEvent("session.created", {
    sessionId,
    userId: "user_1",
    updatedAt,
  });

async function deliver(
  body: string | Record<string, unknown>,
  options: DeliveryOptions = {},
) {
  return await post(t, signedDelivery(body, options).init);
}

/** Asserts that `request` is refused with `status` and leaves the store as it was. */
async function expectRefused(
  init: RequestInit,
  status: number,
  error?: RegExp,
) {
  await deliver(created("sess_existing"));
  const before = await componentTables(t);
  const answer = await post(t, init);
  expect(answer.status).toBe(status);
  expect(answer.body.result).toBeUndefined();
  if (error) expect(String(answer.body.error)).toMatch(error);
  expect(answer.text).not.toContain(TEST_SECRET);
  expect(answer.text).not.toContain("user_1");
  expect(await componentTables(t)).toEqual(before);
  return answer;
}

describe("200 answers", () => {
  test("valid signature, handled type, the event changes the record -> applied", async () => {
    const answer = await deliver(created());
    expect(answer).toMatchObject({ status: 200, body: { result: "applied" } });
    const { sessions } = await componentTables(t);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      sessionId: "sess_A",
      userId: "user_1",
      status: "active",
    });
  });

  test("an older event than the stored one -> stale", async () => {
    await deliver(created("sess_A", BASE_TIME + 10));
    const answer = await deliver(created("sess_A", BASE_TIME));
    expect(answer).toMatchObject({ status: 200, body: { result: "stale" } });
    const { sessions } = await componentTables(t);
    expect(sessions[0]).toMatchObject({ updatedAt: BASE_TIME + 10 });
  });

  test("the same event again, under a new svix-id -> duplicate, store unchanged", async () => {
    const event = created();
    await deliver(event);
    const before = await componentTables(t);
    const answer = await deliver(event);
    expect(answer).toMatchObject({
      status: 200,
      body: { result: "duplicate" },
    });
    expect(await componentTables(t)).toEqual(before);
  });

  test("an event naming another owner for a known session -> ignored, store unchanged", async () => {
    await deliver(created("sess_A", BASE_TIME));
    const before = await componentTables(t);
    const answer = await deliver(
      clerkSessionEvent("session.revoked", {
        sessionId: "sess_A",
        userId: "user_intruder",
        updatedAt: BASE_TIME + 10,
      }),
    );
    expect(answer).toMatchObject({ status: 200, body: { result: "ignored" } });
    expect(answer.text).not.toContain("user_intruder");
    expect(await componentTables(t)).toEqual(before);
  });

  test("a verified type that is not handled -> ignored, store unchanged", async () => {
    for (const type of [
      "user.created",
      "user.updated",
      "organization.created",
      "email.created",
    ]) {
      const before = await componentTables(t);
      const answer = await deliver(clerkOtherEvent(type));
      expect(answer).toMatchObject({
        status: 200,
        body: { result: "ignored" },
      });
      expect(await componentTables(t)).toEqual(before);
    }
  });

  test("all six handled types are applied", async () => {
    expect((await deliver(created("sess_1"))).body.result).toBe("applied");
    for (const type of [
      "session.pending",
      "session.ended",
      "session.removed",
      "session.revoked",
    ] as const) {
      const answer = await deliver(
        clerkSessionEvent(type, {
          sessionId: `sess_${type}`,
          userId: "user_2",
        }),
      );
      expect(answer.body.result).toBe("applied");
    }
    expect((await deliver(clerkUserDeletedEvent("user_1"))).body.result).toBe(
      "applied",
    );
    const { sessions } = await componentTables(t);
    const statuses = Object.fromEntries(
      sessions.map((s) => [s.sessionId, s.status]),
    );
    expect(statuses).toEqual({
      sess_1: "removed",
      "sess_session.pending": "pending",
      "sess_session.ended": "ended",
      "sess_session.removed": "removed",
      "sess_session.revoked": "revoked",
    });
  });
});

describe("400: headers and signatures", () => {
  test.each(["svix-id", "svix-timestamp", "svix-signature"])(
    "missing %s",
    async (header) => {
      const { init } = signedDelivery(created());
      const headers = { ...(init.headers as Record<string, string>) };
      delete headers[header];
      await expectRefused(
        { ...init, headers },
        400,
        new RegExp(`missing header.*${header}`),
      );
    },
  );

  test("non-numeric timestamp", async () => {
    const { init } = signedDelivery(created(), {
      headers: { "svix-timestamp": "12abc" },
    });
    await expectRefused(init, 400, /Unix time/);
  });

  test("signature header without a v1 entry", async () => {
    const { init } = signedDelivery(created(), {
      headers: { "svix-signature": "v2,abc" },
    });
    await expectRefused(init, 400, /no v1 signature/);
  });

  test("signed with a secret that is not configured", async () => {
    const { init } = signedDelivery(created(), { secret: OTHER_SECRET });
    await expectRefused(init, 400, /no signature matches/);
  });

  test("body changed after signing", async () => {
    const { init } = signedDelivery(created());
    const tampered = String(init.body).replace("sess_A", "sess_Z");
    await expectRefused(
      { ...init, body: tampered },
      400,
      /no signature matches/,
    );
  });

  test("timestamp more than 5 minutes old", async () => {
    const { init } = signedDelivery(created(), {
      signedAt: new Date(Date.now() - 6 * 60_000),
    });
    await expectRefused(init, 400, /5 minute/);
  });

  test(`more than ${MAX_SIGNATURES} signature entries, even with a valid one`, async () => {
    const { init } = signedDelivery(created());
    const headers = init.headers as Record<string, string>;
    const wrong = Array.from(
      { length: MAX_SIGNATURES },
      (_, i) => `v1,${btoa(`wrong ${i}`)}`,
    );
    const signature = [...wrong, headers["svix-signature"]].join(" ");
    await expectRefused(
      { ...init, headers: { ...headers, "svix-signature": signature } },
      400,
      /more than 16 entries/,
    );
  });

  test(`${MAX_SIGNATURES} entries are accepted`, async () => {
    const { init } = signedDelivery(created());
    const headers = init.headers as Record<string, string>;
    const wrong = Array.from(
      { length: MAX_SIGNATURES - 1 },
      (_, i) => `v1,${btoa(`wrong ${i}`)}`,
    );
    const signature = [...wrong, headers["svix-signature"]].join(" ");
    const answer = await post(t, {
      ...init,
      headers: { ...headers, "svix-signature": signature },
    });
    expect(answer.body.result).toBe("applied");
  });

  test("any v1 entry of the header may match", async () => {
    const { init } = signedDelivery(created());
    const headers = init.headers as Record<string, string>;
    const signature = `v1,bm90IGl0 ${headers["svix-signature"]}`;
    const answer = await post(t, {
      ...init,
      headers: { ...headers, "svix-signature": signature },
    });
    expect(answer.body.result).toBe("applied");
  });
});

describe("400: body", () => {
  test("signed body that is not JSON", async () => {
    const { init } = signedDelivery("this is not json {");
    await expectRefused(init, 400, /not JSON/);
  });

  test("session event without user_id", async () => {
    const event = created();
    delete (event.data as Record<string, unknown>).user_id;
    await expectRefused(signedDelivery(event).init, 400, /user_id/);
  });

  test("session event with updated_at of the wrong type", async () => {
    const event = created();
    (event.data as Record<string, unknown>).updated_at = "yesterday";
    await expectRefused(signedDelivery(event).init, 400, /updated_at/);
  });

  test("session.created with a status Clerk does not have", async () => {
    const event = clerkSessionEvent("session.created", {
      sessionId: "sess_A",
      userId: "user_1",
      status: "sleeping",
    });
    await expectRefused(signedDelivery(event).init, 400, /status/);
  });

  test("user.deleted without the user id", async () => {
    const event = clerkUserDeletedEvent("user_1");
    delete (event.data as Record<string, unknown>).id;
    await expectRefused(signedDelivery(event).init, 400, /data\.id/);
  });

  test("JSON without a type", async () => {
    await expectRefused(signedDelivery({ data: {} }).init, 400, /type/);
  });

  test("unknown fields are ignored and a malformed optional field is dropped", async () => {
    const event = created();
    Object.assign(event.data as Record<string, unknown>, {
      brand_new_field: { x: 1 },
      latest_activity: "garbage",
    });
    const answer = await deliver(event);
    expect(answer.body.result).toBe("applied");
    const { sessions } = await componentTables(t);
    expect(sessions[0]).toMatchObject({ device: null });
  });
});

describe("413 and 500", () => {
  test("body over 1 MiB -> 413", async () => {
    const event = created();
    (event.data as Record<string, unknown>).padding = "x".repeat(1024 * 1024);
    await expectRefused(signedDelivery(event).init, 413, /larger than/);
  });

  test("body just under 1 MiB is accepted", async () => {
    const event = created();
    const size = JSON.stringify(event).length;
    (event.data as Record<string, unknown>).padding = "x".repeat(
      1024 * 1024 - size - 20,
    );
    expect((await deliver(event)).body.result).toBe("applied");
  });

  test("no secret configured -> 500 naming the env var", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
    const answer = await post(t, signedDelivery(created()).init);
    expect(answer.status).toBe(500);
    expect(String(answer.body.error)).toContain("CLERK_WEBHOOK_SIGNING_SECRET");
    expect((await componentTables(t)).sessions).toEqual([]);
  });

  test("a secret that is not svix's format -> 500 naming the env var, not a crash", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "whsec_!!!not base64!!!");
    const answer = await post(t, signedDelivery(created()).init);
    expect(answer.status).toBe(500);
    expect(String(answer.body.error)).toContain("CLERK_WEBHOOK_SIGNING_SECRET");
    expect(answer.text).not.toContain("!!!not base64!!!");
    expect((await componentTables(t)).sessions).toEqual([]);
  });
});

describe("secrets", () => {
  test("several secrets at once, for rotation: either one verifies", async () => {
    vi.stubEnv(
      "CLERK_WEBHOOK_SIGNING_SECRET",
      `${OTHER_SECRET}, ${TEST_SECRET}`,
    );
    expect((await deliver(created("sess_1"))).body.result).toBe("applied");
    expect(
      (await deliver(created("sess_2"), { secret: OTHER_SECRET })).body.result,
    ).toBe("applied");
  });

  test("CLERK_WEBHOOK_SECRET is accepted too", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
    vi.stubEnv("CLERK_WEBHOOK_SECRET", TEST_SECRET);
    expect((await deliver(created())).body.result).toBe("applied");
  });

  test("the secret is read per request, not at load", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", OTHER_SECRET);
    expect((await deliver(created("sess_1"))).status).toBe(400);
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
    expect((await deliver(created("sess_1"))).status).toBe(200);
  });
});
