/**
 * The signing secret configuration. Every configured entry must be what Svix
 * issues (`whsec_` + base64 of at least 24 bytes); anything else is a
 * configuration error (500 naming where it was read and what is wrong,
 * never the value), and no request is verified with a weak key, not even
 * one signed with that very key.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { components } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
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
} from "../fixtures/svixDelivery.js";
import { handleWebhook } from "../src/client/webhook/route.js";

const ENV = "CLERK_WEBHOOK_SIGNING_SECRET";

/** A secret of `bytes` key bytes, in the form Svix prints. */
const secretOf = (bytes: number, fill = "k") =>
  `whsec_${btoa(fill.repeat(bytes))}`;

let t: ExampleApp;
beforeEach(async () => {
  vi.stubEnv(ENV, TEST_SECRET);
  vi.stubEnv("CLERK_WEBHOOK_SECRET", "");
  t = exampleApp();
  // Something stored, so "unchanged" means something.
  const seed = clerkSessionEvent("session.created", {
    sessionId: "sess_seed",
    userId: "user_seed",
  });
  expect((await post(t, signedDelivery(seed).init)).status).toBe(200);
});
afterEach(() => vi.unstubAllEnvs());

let sessionCounter = 0;
/** A new session's event, signed with `secret`. */
function deliveryWith(secret: string) {
  sessionCounter += 1;
  const event = clerkSessionEvent("session.created", {
    sessionId: `sess_forged_${sessionCounter}`,
    userId: "user_victim",
  });
  return signedDelivery(event, { secret }).init;
}

/**
 * Configures `configured`, sends an event signed with `signedWith` (by
 * default the weak entry itself), and expects a configuration error.
 */
async function expectConfigError(
  configured: string,
  problem: RegExp,
  signedWith: string = configured,
  where: string = ENV,
) {
  vi.stubEnv(ENV, configured);
  const before = await componentTables(t);
  const answer = await post(t, deliveryWith(signedWith));
  expect(answer.status).toBe(500);
  const error = String(answer.body.error);
  expect(error).toContain(where);
  expect(error).toMatch(problem);
  for (const entry of configured.split(/[\s,]+/)) {
    // Never the value: not the key, not even the bare prefix of an entry.
    if (entry.length > "whsec_".length)
      expect(answer.text).not.toContain(entry);
    const key = entry.replace(/^whsec_/, "");
    if (key.length >= 4) expect(answer.text).not.toContain(key);
  }
  expect(await componentTables(t)).toEqual(before);
}

describe("a weak or malformed secret is a configuration error", () => {
  test("whsec_ with an empty key, even for an event signed with it", async () => {
    await expectConfigError("whsec_", /key of 0 bytes/);
  });

  test("a 1-byte key, even for an event signed with it", async () => {
    await expectConfigError(secretOf(1), /key of 1 bytes/);
  });

  test("a 23-byte key", async () => {
    await expectConfigError(secretOf(23), /key of 23 bytes.*at least 24/);
  });

  test("a secret without the whsec_ prefix", async () => {
    await expectConfigError(btoa("k".repeat(32)), /does not start with whsec_/);
  });

  test("a key that is not base64", async () => {
    await expectConfigError(
      "whsec_!!!not-base64!!!",
      /not whsec_ followed by base64/,
      TEST_SECRET,
    );
  });

  test("base64 that is cut short (not a multiple of 4)", async () => {
    await expectConfigError(
      TEST_SECRET.slice(0, -1),
      /not whsec_ followed by base64/,
      TEST_SECRET,
    );
  });
});

describe("one bad entry anywhere in a rotation list fails the whole list", () => {
  test.each([
    [
      "a doubled comma",
      `${TEST_SECRET},,${OTHER_SECRET}`,
      /secret 2 of 3 is empty/,
    ],
    [
      "a comma, spaces, a comma",
      `${TEST_SECRET}, ,${OTHER_SECRET}`,
      /secret 2 of 3 is empty/,
    ],
    ["a trailing comma", `${TEST_SECRET},`, /secret 2 of 2 is empty/],
    ["a leading comma", `,${TEST_SECRET}`, /secret 1 of 2 is empty/],
  ])(
    "%s, even for an event signed with the good entry",
    async (_, list, problem) => {
      await expectConfigError(list, problem, TEST_SECRET);
    },
  );

  test("a weak key after a good one, for an event forged with the weak key", async () => {
    await expectConfigError(
      `${TEST_SECRET}, whsec_`,
      /secret 2 of 2 has a key of 0 bytes/,
      "whsec_",
    );
  });

  test("a short key before a good one", async () => {
    await expectConfigError(
      `${secretOf(8)} ${TEST_SECRET}`,
      /secret 1 of 2 has a key of 8 bytes/,
      TEST_SECRET,
    );
  });
});

describe("where the secret was read is named", () => {
  test("CLERK_WEBHOOK_SECRET, when it is the one set", async () => {
    vi.stubEnv(ENV, "");
    vi.stubEnv("CLERK_WEBHOOK_SECRET", secretOf(4));
    const answer = await post(t, deliveryWith(secretOf(4)));
    expect(answer.status).toBe(500);
    expect(String(answer.body.error)).toMatch(
      /in CLERK_WEBHOOK_SECRET .*key of 4 bytes/,
    );
  });

  test("the webhookSecret option, which overrides env", async () => {
    const status = await t.action(async (ctx) => {
      const request = new Request(
        "https://example.convex.site/clerk/webhook",
        deliveryWith("whsec_"),
      );
      const response = await handleWebhook(
        ctx,
        request,
        components.clerkSessions,
        { webhookSecret: "whsec_" },
      );
      return { status: response.status, body: await response.text() };
    });
    expect(status.status).toBe(500);
    expect(status.body).toMatch(/webhookSecret option.*key of 0 bytes/);
  });

  test("an empty webhookSecret option is an error, not a fallback to env", async () => {
    const status = await t.action(async (ctx) => {
      const request = new Request(
        "https://example.convex.site/clerk/webhook",
        deliveryWith(TEST_SECRET),
      );
      const response = await handleWebhook(
        ctx,
        request,
        components.clerkSessions,
        { webhookSecret: "" },
      );
      return response.status;
    });
    expect(status).toBe(500);
  });

  test("nothing configured names the env var to set", async () => {
    vi.stubEnv(ENV, "   ");
    const answer = await post(t, deliveryWith(TEST_SECRET));
    expect(answer.status).toBe(500);
    expect(String(answer.body.error)).toContain(`set ${ENV}`);
  });
});

describe("well-formed configurations verify", () => {
  test.each([
    ["a key of exactly 24 bytes", secretOf(24, "x"), secretOf(24, "x")],
    ["comma and space", `${OTHER_SECRET}, ${TEST_SECRET}`, TEST_SECRET],
    ["a comma alone", `${OTHER_SECRET},${TEST_SECRET}`, TEST_SECRET],
    ["spaces alone", `${OTHER_SECRET}   ${TEST_SECRET}`, TEST_SECRET],
    [
      "a space before the comma",
      `${TEST_SECRET} ,${OTHER_SECRET}`,
      OTHER_SECRET,
    ],
    ["surrounding spaces and a newline", `  ${TEST_SECRET}\n`, TEST_SECRET],
  ])("%s", async (_, configured, signedWith) => {
    vi.stubEnv(ENV, configured);
    const answer = await post(t, deliveryWith(signedWith));
    expect(answer).toMatchObject({ status: 200, body: { result: "applied" } });
  });
});
