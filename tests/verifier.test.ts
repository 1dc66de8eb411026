/**
 * requireActiveSession and the customCtx wrappers: a token that is still
 * valid is refused as soon as Clerk reports its session ended.
 */
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { exampleApp, post, type ExampleApp } from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  isSessionError,
  type VerifierOptions,
} from "../src/client/index.js";

const ISSUER = "https://clerk.example.dev";
let t: ExampleApp;
/** A signed webhook about user_1's session sess_A, through the real route. */
const deliverSessionA = async (
  type: Parameters<typeof clerkSessionEvent>[0],
  updatedAt?: number,
) => {
  await post(
    t,
    signedDelivery(
      clerkSessionEvent(type, {
        sessionId: "sess_A",
        userId: "user_1",
        updatedAt,
      }),
    ).init,
  );
};

beforeEach(async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
  t = exampleApp();
  await deliverSessionA("session.created");
});
afterEach(() => vi.unstubAllEnvs());

const as = (subject: string, sid?: string) =>
  t.withIdentity({
    subject,
    issuer: ISSUER,
    ...(sid === undefined ? {} : { sid }),
  });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error: unknown) {
    if (isSessionError(error)) return error.data.code;
    throw error;
  }
  return "ok";
}

describe("through the example app's sessionMutation and sessionQuery", () => {
  test("an active session passes and ctx.session carries the caller", async () => {
    await as("user_1", "sess_A").mutation(api.notes.add, { text: "hello" });
    expect(await as("user_1", "sess_A").query(api.notes.mine, {})).toEqual([
      "hello",
    ]);
  });

  test("no identity -> UNAUTHENTICATED", async () => {
    expect(await codeOf(t.mutation(api.notes.add, { text: "x" }))).toBe(
      "UNAUTHENTICATED",
    );
  });

  test("a still-valid token whose session got session.ended is refused at once", async () => {
    const me = as("user_1", "sess_A");
    await me.mutation(api.notes.add, { text: "before" });
    await deliverSessionA("session.ended", Date.now());
    expect(await codeOf(me.mutation(api.notes.add, { text: "after" }))).toBe(
      "SESSION_ENDED",
    );
    expect(await codeOf(me.query(api.notes.mine, {}))).toBe("SESSION_ENDED");
  });

  test("session.revoked is refused the same way, and nothing is written", async () => {
    await deliverSessionA("session.revoked", Date.now());
    expect(
      await codeOf(
        as("user_1", "sess_A").mutation(api.notes.add, { text: "x" }),
      ),
    ).toBe("SESSION_ENDED");
    expect(await t.run((ctx) => ctx.db.query("notes").collect())).toEqual([]);
  });

  test("a session no webhook reported yet is let through by default", async () => {
    expect(
      await codeOf(
        as("user_1", "sess_new").mutation(api.notes.add, { text: "x" }),
      ),
    ).toBe("ok");
  });

  test("a legacy token without sid is let through by default", async () => {
    expect(
      await codeOf(as("user_1").mutation(api.notes.add, { text: "x" })),
    ).toBe("ok");
  });

  test("actions are checked too", async () => {
    await deliverSessionA("session.ended", Date.now());
    expect(
      await codeOf(as("user_1", "sess_A").action(api.devices.syncMine, {})),
    ).toBe("SESSION_ENDED");
  });
});

describe("options", () => {
  const check = (options: VerifierOptions, caller: ReturnType<typeof as>) =>
    caller.query(async (ctx) => {
      const clerkSessions = new ClerkSessions(components.clerkSessions);
      return await clerkSessions.requireActiveSession(ctx, options);
    });

  test('unknownSessions: "deny" -> SESSION_UNKNOWN', async () => {
    expect(
      await codeOf(
        check({ unknownSessions: "deny" }, as("user_1", "sess_new")),
      ),
    ).toBe("SESSION_UNKNOWN");
    expect(
      await check({ unknownSessions: "deny" }, as("user_1", "sess_A")),
    ).toEqual({ userId: "user_1", sessionId: "sess_A" });
  });

  test('legacyTokens: "deny" refuses a token without sid', async () => {
    expect(await codeOf(check({ legacyTokens: "deny" }, as("user_1")))).toBe(
      "SESSION_UNKNOWN",
    );
    expect(await check({}, as("user_1"))).toEqual({
      userId: "user_1",
      sessionId: null,
    });
  });

  test("a sid that belongs to another user counts as unknown", async () => {
    expect(
      await codeOf(check({ unknownSessions: "deny" }, as("user_2", "sess_A"))),
    ).toBe("SESSION_UNKNOWN");
  });

  test("defaults set on the ClerkSessions instance apply", async () => {
    const result = await as("user_1", "sess_new").query(async (ctx) => {
      const strict = new ClerkSessions(components.clerkSessions, {
        verifier: { unknownSessions: "deny" },
      });
      return await codeOf(strict.requireActiveSession(ctx));
    });
    expect(result).toBe("SESSION_UNKNOWN");
  });
});

describe("isSessionError", () => {
  test("recognises only the verifier's errors", () => {
    expect(
      isSessionError(new ConvexError({ code: "SESSION_ENDED", message: "x" })),
    ).toBe(true);
    expect(isSessionError(new ConvexError({ code: "SOMETHING_ELSE" }))).toBe(
      false,
    );
    expect(isSessionError(new ConvexError("text"))).toBe(false);
    expect(isSessionError(new Error("SESSION_ENDED"))).toBe(false);
  });
});
