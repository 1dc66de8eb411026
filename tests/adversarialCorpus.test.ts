/**
 * A table of hostile or broken requests at our boundary: our header checks,
 * size limits, JSON and field validation, secret configuration. Each must be
 * answered with its status class, leave the store exactly as it was, never
 * answer 5xx (only a missing or malformed secret may), and never echo the
 * secret or the body. Svix's own verification is svix's to test: a few
 * cases only show it is wired in.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import type { SessionEventType } from "../src/shared/eventValidators.js";
import {
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
  newSvixId,
  signedDelivery,
} from "../fixtures/svixDelivery.js";

/** A string placed in bodies so a response that echoes them is caught. */
const MARKER = "MARKER_q7Zx";

/** Only a deployment whose signing secret is missing or malformed may answer 5xx. */
type Case = { name: string; request: () => RequestInit } & (
  | { expect: "2xx" | "4xx"; configuredSecret?: never }
  | { expect: "5xx"; configuredSecret: string }
);

const sessionEvent = (type: SessionEventType) =>
  clerkSessionEvent(type, {
    sessionId: `sess_${MARKER}`,
    userId: `user_${MARKER}`,
  });

function withHeaders(
  init: RequestInit,
  change: (headers: Record<string, string>) => void,
): RequestInit {
  const headers = { ...(init.headers as Record<string, string>) };
  change(headers);
  return { ...init, headers };
}

function signed(
  body: string | Record<string, unknown>,
  options: Parameters<typeof signedDelivery>[1] = {},
) {
  return signedDelivery(body, options).init;
}

const good = () => signed(sessionEvent("session.created"));
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

const cases: Case[] = [
  // Signatures
  {
    name: "signed with an unconfigured secret",
    expect: "4xx",
    request: () =>
      signed(sessionEvent("session.created"), { secret: OTHER_SECRET }),
  },
  {
    name: "body tampered after signing",
    expect: "4xx",
    request: () => ({
      ...good(),
      body: String(good().body).replace("active", "revoked"),
    }),
  },
  {
    name: "v2 signature only",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) =>
          (h["svix-signature"] = (h["svix-signature"] ?? "").replace(
            "v1,",
            "v2,",
          )),
      ),
  },
  {
    name: "empty signature header",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-signature"] = "")),
  },
  {
    name: "v1 entry with nothing after the comma",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-signature"] = "v1,")),
  },
  {
    name: "v1 without a comma",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-signature"] = "v1")),
  },
  {
    name: "huge signature header",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) =>
          (h["svix-signature"] = Array.from(
            { length: 2_000 },
            () => "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
          ).join(" ")),
      ),
  },
  {
    name: "seventeen v1 entries, the last one valid",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) =>
          (h["svix-signature"] = [
            ...Array.from({ length: 16 }, (_, i) => `v1,${btoa(`wrong ${i}`)}`),
            h["svix-signature"],
          ].join(" ")),
      ),
  },
  {
    name: "fifty wrong v1 entries",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) =>
          (h["svix-signature"] = Array.from(
            { length: 50 },
            (_, i) => `v1,${btoa(`wrong ${i}`)}`,
          ).join(" ")),
      ),
  },
  {
    name: "signature duplicated with a wrong twin first in v2",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) =>
          (h["svix-signature"] =
            `v2,${(h["svix-signature"] ?? "").slice(3)} v2,${(h["svix-signature"] ?? "").slice(3)}`),
      ),
  },
  // Timestamps
  {
    name: "signed 6 minutes ago",
    expect: "4xx",
    request: () =>
      signed(sessionEvent("session.created"), { signedAt: minutes(-6) }),
  },
  {
    name: "negative timestamp",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-timestamp"] = "-5")),
  },
  {
    name: "non-numeric timestamp",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-timestamp"] = "abc")),
  },
  {
    name: "timestamp with trailing letters",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) => (h["svix-timestamp"] = `${h["svix-timestamp"]}x`),
      ),
  },
  {
    name: "fractional timestamp",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) => (h["svix-timestamp"] = `${h["svix-timestamp"]}.5`),
      ),
  },
  {
    name: "timestamp in milliseconds",
    expect: "4xx",
    request: () =>
      withHeaders(good(), (h) => (h["svix-timestamp"] = String(Date.now()))),
  },
  {
    name: "absurdly large timestamp",
    expect: "4xx",
    request: () =>
      withHeaders(good(), (h) => (h["svix-timestamp"] = "9".repeat(40))),
  },
  {
    name: "empty timestamp",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-timestamp"] = "")),
  },
  // Headers
  {
    name: "no svix-id",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => delete h["svix-id"]),
  },
  {
    name: "no svix-timestamp",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => delete h["svix-timestamp"]),
  },
  {
    name: "no svix-signature",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => delete h["svix-signature"]),
  },
  {
    name: "no svix headers at all",
    expect: "4xx",
    request: () => ({
      method: "POST",
      body: JSON.stringify(sessionEvent("session.created")),
    }),
  },
  {
    name: "empty svix-id",
    expect: "4xx",
    request: () => withHeaders(good(), (h) => (h["svix-id"] = "")),
  },
  {
    name: "svix-id of 10,000 characters",
    expect: "4xx",
    request: () =>
      signed(sessionEvent("session.created"), {
        svixId: `msg_${"x".repeat(10_000)}`,
      }),
  },
  // Bodies that are not a Clerk event
  { name: "empty body", expect: "4xx", request: () => signed("") },
  {
    name: "not JSON",
    expect: "4xx",
    request: () => signed(`not json ${MARKER}`),
  },
  {
    name: "truncated JSON",
    expect: "4xx",
    request: () =>
      signed(JSON.stringify(sessionEvent("session.created")).slice(0, 50)),
  },
  { name: "JSON array", expect: "4xx", request: () => signed(`["${MARKER}"]`) },
  { name: "JSON string", expect: "4xx", request: () => signed(`"${MARKER}"`) },
  { name: "JSON null", expect: "4xx", request: () => signed("null") },
  { name: "JSON number", expect: "4xx", request: () => signed("42") },
  {
    name: "object without type",
    expect: "4xx",
    request: () => signed({ data: { id: MARKER } }),
  },
  {
    name: "type is a number",
    expect: "4xx",
    request: () => signed({ type: 7, data: {} }),
  },
  {
    name: "type is empty",
    expect: "4xx",
    request: () => signed({ type: "", data: {} }),
  },
  {
    name: "invalid UTF-8 bytes",
    expect: "4xx",
    request: () => ({
      ...good(),
      body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    }),
  },
  // Prototype keys
  {
    name: "__proto__ standing in for user_id",
    expect: "4xx",
    request: () =>
      signed(
        `{"type":"session.created","data":{"id":"sess_${MARKER}","status":"active","updated_at":1,"__proto__":{"user_id":"user_evil"}}}`,
      ),
  },
  {
    name: "constructor standing in for data",
    expect: "4xx",
    request: () =>
      signed(`{"type":"user.deleted","constructor":{"id":"user_evil"}}`),
  },
  {
    name: "type __proto__",
    expect: "2xx",
    request: () => signed({ type: "__proto__", data: {} }),
  },
  {
    name: "type constructor",
    expect: "2xx",
    request: () => signed({ type: "constructor", data: {} }),
  },
  // Sizes
  {
    name: "body just over 1 MiB",
    expect: "4xx",
    request: () =>
      signed({
        ...sessionEvent("session.created"),
        pad: "x".repeat(1024 * 1024),
      }),
  },
  {
    name: "body of 5 MiB",
    expect: "4xx",
    request: () =>
      signed({
        ...sessionEvent("session.created"),
        pad: "x".repeat(5 * 1024 * 1024),
      }),
  },
  {
    name: "content-length claiming 2 MiB",
    expect: "4xx",
    request: () =>
      withHeaders(
        good(),
        (h) => (h["content-length"] = String(2 * 1024 * 1024)),
      ),
  },
  // Ids
  {
    name: "session id of 300 characters",
    expect: "4xx",
    request: () =>
      signed(
        clerkSessionEvent("session.created", {
          sessionId: `sess_${"a".repeat(300)}`,
          userId: "user_1",
        }),
      ),
  },
  {
    name: "user id of 300 characters",
    expect: "4xx",
    request: () => signed(clerkUserDeletedEvent(`user_${"a".repeat(300)}`)),
  },
];

// Wrong shapes for each handled type: every required field missing, of the
// wrong type, or empty.
for (const type of [
  "session.created",
  "session.pending",
  "session.ended",
  "session.removed",
  "session.revoked",
] as const) {
  for (const field of ["id", "user_id", "status", "updated_at"]) {
    for (const [how, value] of [
      ["missing", undefined],
      ["an object", { x: 1 }],
      ["null", null],
    ] as const) {
      cases.push({
        name: `${type} with ${field} ${how}`,
        expect: "4xx",
        request: () => {
          const event = sessionEvent(type);
          const data = event.data as Record<string, unknown>;
          if (value === undefined) delete data[field];
          else data[field] = value;
          return signed(event);
        },
      });
    }
  }
  cases.push({
    name: `${type} with data null`,
    expect: "4xx",
    request: () => signed({ type, data: null }),
  });
  cases.push({
    name: `${type} with data an array`,
    expect: "4xx",
    request: () => signed({ type, data: [MARKER] }),
  });
}
for (const [how, value] of [
  ["missing", undefined],
  ["a number", 42],
  ["empty", ""],
] as const) {
  cases.push({
    name: `user.deleted with id ${how}`,
    expect: "4xx",
    request: () => {
      const event = clerkUserDeletedEvent(`user_${MARKER}`);
      const data = event.data as Record<string, unknown>;
      if (value === undefined) delete data.id;
      else data.id = value;
      return signed(event);
    },
  });
}
cases.push({
  name: "session.created with an unknown status",
  expect: "4xx",
  request: () =>
    signed(
      clerkSessionEvent("session.created", {
        sessionId: "sess_x",
        userId: "user_x",
        status: MARKER,
      }),
    ),
});
cases.push({
  name: "updated_at as a numeric string",
  expect: "4xx",
  request: () => {
    const event = sessionEvent("session.created");
    (event.data as Record<string, unknown>).updated_at = "1767225600000";
    return signed(event);
  },
});
cases.push({
  name: "updated_at infinite (1e999)",
  expect: "4xx",
  request: () =>
    signed(
      JSON.stringify(sessionEvent("session.created")).replace(
        /"updated_at":\d+/,
        '"updated_at":1e999',
      ),
    ),
});

// Secret configurations that must never verify anything, not even a
// delivery signed with the weak key itself.
const weakKey = "whsec_";
for (const [name, configuredSecret, signedWith] of [
  ["no signing secret configured", "", TEST_SECRET],
  ["a secret with an empty key", weakKey, weakKey],
  ["a secret with a 1-byte key", `whsec_${btoa("k")}`, `whsec_${btoa("k")}`],
  ["a secret without whsec_", btoa("k".repeat(32)), btoa("k".repeat(32))],
  [
    "a rotation list with an empty entry",
    `${TEST_SECRET},,${OTHER_SECRET}`,
    TEST_SECRET,
  ],
  ["a rotation list with a trailing comma", `${TEST_SECRET},`, TEST_SECRET],
  ["a rotation list with a weak entry", `${TEST_SECRET} ${weakKey}`, weakKey],
] as const) {
  cases.push({
    name: `a delivery while ${name}`,
    expect: "5xx",
    configuredSecret,
    request: () =>
      signed(sessionEvent("session.created"), { secret: signedWith }),
  });
}

let t: ExampleApp;
beforeAll(async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
  // Something in the store, so "unchanged" means something.
  const seed = clerkSessionEvent("session.created", {
    sessionId: "sess_seed",
    userId: "user_seed",
  });
  await post(t, signedDelivery(seed, { svixId: newSvixId() }).init);
  return () => vi.unstubAllEnvs();
});

async function postWithSecret(configured: string, init: RequestInit) {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", configured);
  try {
    return await post(t, init);
  } finally {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  }
}

describe(`adversarial corpus: ${cases.length} requests`, () => {
  test("has at least 60 requests", ({ task }) => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    task.meta.reportedCount = `adversarial corpus: ${cases.length} bad requests, each answered with its expected status class and the store unchanged`;
  });

  test.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await componentTables(t);
    const init = c.request();
    const answer =
      c.configuredSecret === undefined
        ? await post(t, init)
        : await postWithSecret(c.configuredSecret, init);
    const statusClass = `${Math.floor(answer.status / 100)}xx`;
    expect(statusClass).toBe(c.expect);
    if (c.expect === "2xx") expect(answer.body).toEqual({ result: "ignored" });
    expect(answer.text).not.toContain(TEST_SECRET);
    expect(answer.text).not.toContain(TEST_SECRET.slice("whsec_".length));
    expect(answer.text).not.toContain(MARKER);
    expect(answer.text).not.toContain("user_evil");
    expect(await componentTables(t)).toEqual(before);
    expect(({} as Record<string, unknown>).user_id).toBeUndefined();
  });
});
