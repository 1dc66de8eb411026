/**
 * requireActiveSession and the customCtx wrappers: a token that is still
 * valid is refused as soon as Clerk reports its session ended.
 */
import { ConvexError } from "convex/values";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { api, components } from "../convex/_generated/api.js";
import {
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import {
  countStatuses,
  exampleApp,
  post,
  seedSessions,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  isSessionError,
  type VerifierOptions,
} from "../src/client/core/index.js";

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

  test("a sid that belongs to another user is refused, whatever unknownSessions says", async () => {
    expect(
      await codeOf(check({ unknownSessions: "deny" }, as("user_2", "sess_A"))),
    ).toBe("SESSION_UNKNOWN");
    expect(await codeOf(check({}, as("user_2", "sess_A")))).toBe(
      "SESSION_UNKNOWN",
    );
    await deliverSessionA("session.revoked", Date.now());
    expect(await codeOf(check({}, as("user_2", "sess_A")))).toBe(
      "SESSION_UNKNOWN",
    );
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

describe("lifecycles the store and the token report", () => {
  const check = (options: VerifierOptions, caller: ReturnType<typeof as>) =>
    caller.query(async (ctx) => {
      const clerkSessions = new ClerkSessions(components.clerkSessions, {
        verifier: options,
      });
      return await codeOf(clerkSessions.requireActiveSession(ctx));
    });
  const deliver = async (body: Record<string, unknown>) =>
    (await post(t, signedDelivery(body).init)).body.result;

  test("a pending session is refused with SESSION_PENDING unless allowed", async () => {
    await deliver(
      clerkSessionEvent("session.pending", {
        sessionId: "sess_P",
        userId: "user_1",
      }),
    );
    expect(await check({}, as("user_1", "sess_P"))).toBe("SESSION_PENDING");
    expect(
      await check({ pendingSessions: "allow" }, as("user_1", "sess_P")),
    ).toBe("ok");
    expect(
      await codeOf(
        as("user_1", "sess_P").mutation(api.notes.add, { text: "x" }),
      ),
    ).toBe("SESSION_PENDING");
  });

  test("a stored pending session whose token says sts active passes: Clerk sends no webhook when the task is done", async () => {
    await deliver(
      clerkSessionEvent("session.pending", {
        sessionId: "sess_P",
        userId: "user_1",
      }),
    );
    const activeToken = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      sid: "sess_P",
      sts: "active",
    });
    expect(await check({}, activeToken)).toBe("ok");
  });

  test("a token whose sts claim is pending is refused before any webhook", async () => {
    const pendingToken = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      sid: "sess_new",
      sts: "pending",
    });
    expect(await check({}, pendingToken)).toBe("SESSION_PENDING");
    expect(await check({ pendingSessions: "allow" }, pendingToken)).toBe("ok");
    // A per-call option overrides the instance default.
    expect(
      await pendingToken.query(async (ctx) =>
        codeOf(
          new ClerkSessions(components.clerkSessions).requireActiveSession(
            ctx,
            { pendingSessions: "allow" },
          ),
        ),
      ),
    ).toBe("ok");
  });

  test("a session past its expireAt is refused with SESSION_ENDED, no webhook needed", async () => {
    await deliver(
      clerkSessionEvent("session.created", {
        sessionId: "sess_E",
        userId: "user_1",
        updatedAt: Date.now() - 60_000,
        expireAt: Date.now() - 1_000,
      }),
    );
    expect(await check({}, as("user_1", "sess_E"))).toBe("SESSION_ENDED");
  });

  test("an impersonated session passes by default and is refused under impersonatedSessions: deny", async () => {
    const created = clerkSessionEvent("session.created", {
      sessionId: "sess_I",
      userId: "user_1",
    });
    (created.data as Record<string, unknown>).actor = { sub: "user_support" };
    await deliver(created);
    expect(await check({}, as("user_1", "sess_I"))).toBe("ok");
    expect(
      await check({ impersonatedSessions: "deny" }, as("user_1", "sess_I")),
    ).toBe("SESSION_IMPERSONATED");
  });

  test("the token's own act claim counts too", async () => {
    const impersonating = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      sid: "sess_A",
      act: { sub: "user_support" },
    } as never);
    expect(await check({}, impersonating)).toBe("ok");
    expect(await check({ impersonatedSessions: "deny" }, impersonating)).toBe(
      "SESSION_IMPERSONATED",
    );
    const oddlyShaped = t.withIdentity({
      subject: "user_1",
      issuer: ISSUER,
      sid: "sess_A",
      act: { iss: "https://clerk.example.dev" },
    } as never);
    expect(await check({ impersonatedSessions: "deny" }, oddlyShaped)).toBe(
      "SESSION_IMPERSONATED",
    );
  });

  test("every token of a deleted user is refused, reported session or not", async () => {
    await deliver(clerkUserDeletedEvent("user_1", Date.now()));
    expect(await check({}, as("user_1", "sess_A"))).toBe("SESSION_ENDED");
    expect(await check({}, as("user_1", "sess_never_reported"))).toBe(
      "SESSION_ENDED",
    );
    expect(await check({}, as("user_1"))).toBe("SESSION_ENDED");
    expect(await check({}, as("user_2", "sess_other"))).toBe("ok");
  });

  test("a deleted user's sessions beyond the webhook's first batch are refused before their batch runs", async () => {
    await seedSessions(t, {
      userId: "user_big",
      count: 150,
      status: "active",
      updatedAt: Date.now() - 60_000,
    });
    await deliver(clerkUserDeletedEvent("user_big", Date.now()));
    // Only the first batch ran in the webhook's transaction; the rest wait on
    // the workpool, which this test never runs.
    const counts = await countStatuses(t);
    expect(counts["active"]).toBeGreaterThan(0);
    for (const i of [0, 99, 100, 149]) {
      expect(await check({}, as("user_big", `sess_user_big_${i}`))).toBe(
        "SESSION_ENDED",
      );
    }
  });
});

describe("only tokens from the Clerk issuer count", () => {
  const check = (caller: ReturnType<typeof as>, issuer?: string) =>
    caller.query(async (ctx) => {
      const clerkSessions = new ClerkSessions(components.clerkSessions, {
        ...(issuer === undefined ? {} : { issuer }),
      });
      return await codeOf(clerkSessions.requireActiveSession(ctx));
    });
  const other = () =>
    t.withIdentity({
      subject: "user_1",
      issuer: "https://auth.other.example",
      sid: "sess_A",
    });

  test("CLERK_JWT_ISSUER_DOMAIN decides, compared without a trailing slash", async () => {
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", `${ISSUER}/`);
    expect(await check(as("user_1", "sess_A"))).toBe("ok");
    expect(await check(other())).toBe("UNAUTHENTICATED");
  });

  test("the issuer option overrides the env var", async () => {
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", "https://auth.other.example");
    expect(await check(as("user_1", "sess_A"), ISSUER)).toBe("ok");
    expect(await check(other(), ISSUER)).toBe("UNAUTHENTICATED");
  });

  test("with neither set, every token counts", async () => {
    vi.stubEnv("CLERK_JWT_ISSUER_DOMAIN", "");
    expect(await check(other())).toBe("ok");
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
