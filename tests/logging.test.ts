/** One structured log line per delivery, with nothing secret or personal in it. */
import { afterEach, beforeEach, expect, test, vi } from "vitest";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { exampleApp, post } from "../fixtures/exampleApp.js";
import {
  OTHER_SECRET,
  TEST_SECRET,
  signedDelivery,
} from "../fixtures/svixDelivery.js";

let lines: string[];
beforeEach(() => {
  lines = [];
  for (const level of ["log", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
    });
  }
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

test("each delivery logs exactly one line with type, svix id and result", async () => {
  const t = exampleApp();
  const event = clerkSessionEvent("session.created", {
    sessionId: "sess_A",
    userId: "user_1",
  });
  const good = signedDelivery(event);
  await post(t, good.init);
  await post(t, good.init);
  await post(t, signedDelivery(event, { secret: OTHER_SECRET }).init);
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
  await post(t, signedDelivery(event).init);

  const entries = lines.map(
    (line) => JSON.parse(line) as Record<string, unknown>,
  );
  expect(entries).toEqual([
    {
      event: "clerk_webhook",
      status: 200,
      svixId: good.svixId,
      type: "session.created",
      result: "applied",
    },
    {
      event: "clerk_webhook",
      status: 200,
      svixId: good.svixId,
      type: "session.created",
      result: "duplicate",
    },
    { event: "clerk_webhook", status: 400, error: "no signature matches" },
    {
      event: "clerk_webhook",
      status: 500,
      error: expect.stringContaining("CLERK_WEBHOOK_SIGNING_SECRET"),
    },
  ]);
  const all = lines.join("\n");
  for (const secretOrPersonal of [
    TEST_SECRET,
    OTHER_SECRET,
    "203.0.113.7",
    "Lisbon",
    "user_1",
    "Mozilla",
  ]) {
    expect(all).not.toContain(secretOrPersonal);
  }
});

test("an owner-change attempt logs a warning without the body", async () => {
  const t = exampleApp();
  await post(
    t,
    signedDelivery(
      clerkSessionEvent("session.created", {
        sessionId: "sess_A",
        userId: "user_1",
      }),
    ).init,
  );
  lines = [];
  const warnings: string[] = [];
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
  const intruder = signedDelivery(
    clerkSessionEvent("session.revoked", {
      sessionId: "sess_A",
      userId: "user_intruder",
    }),
  );
  expect((await post(t, intruder.init)).body.result).toBe("ignored");
  expect(warnings.map((line) => JSON.parse(line) as unknown)).toEqual([
    {
      event: "clerk_webhook_owner_mismatch",
      svixId: intruder.svixId,
      type: "session.revoked",
    },
  ]);
  const all = [...warnings, ...lines].join("\n");
  for (const personal of ["user_intruder", "user_1", "203.0.113.7", "Lisbon"]) {
    expect(all).not.toContain(personal);
  }
});
