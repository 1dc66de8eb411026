// @vitest-environment jsdom
/**
 * ConvexProviderWithClerkSessions and useSessionSync with React Testing
 * Library, a stand-in Convex client and a stand-in Clerk: the flows where
 * apps get stuck, and the recovery that gets them out.
 */
import { act, cleanup, render } from "@testing-library/react";
import type { ConvexReactClient } from "convex/react";
import { makeFunctionReference } from "convex/server";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import {
  createFakeClerk,
  type FakeClerk,
} from "../../fixtures/react/fakeClerk.js";
import { FakeConvexClient } from "../../fixtures/react/fakeConvexClient.js";
import {
  ConvexProviderWithClerkSessions,
  useSessionSync,
  type RecoveryEvent,
  type SessionQueries,
  type SessionSync,
} from "../../src/react/index.js";

const queries: SessionQueries = {
  whoami: makeFunctionReference<"query", Record<string, never>, never>(
    "sessions:whoami",
  ) as SessionQueries["whoami"],
  sessionStatus: makeFunctionReference<"query", { sessionId: string }, never>(
    "sessions:sessionStatus",
  ) as SessionQueries["sessionStatus"],
};

let clerk: FakeClerk;
let convex: FakeConvexClient;
let seen: SessionSync[];
let recoveries: RecoveryEvent[];

function Probe({ useAuth }: { useAuth: FakeClerk["useAuth"] }) {
  seen.push(useSessionSync({ useAuth, ...queries }));
  return null;
}

function mount(withRecovery = true) {
  return render(
    <ConvexProviderWithClerkSessions
      client={convex as unknown as ConvexReactClient}
      useAuth={clerk.useAuth}
      {...(withRecovery ? { queries } : {})}
      recovery={{ gracePeriodMs: 1_000, maxAttempts: 3 }}
      onRecovery={(event) => recoveries.push(event)}
    >
      <Probe useAuth={clerk.useAuth} />
    </ConvexProviderWithClerkSessions>,
  );
}

const latest = () => seen[seen.length - 1];
/** Lets token fetches resolve and React commit. */
const settle = async (ms = 0) => {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
};

beforeEach(() => {
  vi.useFakeTimers();
  clerk = createFakeClerk();
  convex = new FakeConvexClient();
  seen = [];
  recoveries = [];
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe("the stuck flows", () => {
  test("first render before Clerk has loaded: loading, and Convex is not asked for auth", async () => {
    mount();
    await settle();
    expect(latest()?.verdict).toBe("loading");
    expect(convex.authCalls).toEqual([]);
  });

  test("sign in, sign out, sign in again with a new session: Convex follows each time", async () => {
    convex.store("sess_A", "active");
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    expect(latest()).toMatchObject({
      verdict: "in_sync",
      clerkSessionId: "sess_A",
      convexSessionId: "sess_A",
      status: "active",
    });

    act(() => clerk.signOut());
    convex.store("sess_A", "ended");
    await settle();
    expect(latest()?.verdict).toBe("signed_out");
    expect(convex.authCalls.at(-1)).toBe("clearAuth");

    convex.store("sess_B", "active");
    act(() => clerk.signIn("sess_B"));
    await settle();
    expect(latest()).toMatchObject({
      verdict: "in_sync",
      convexSessionId: "sess_B",
    });
    expect(convex.tokens).toEqual(["token:sess_A", "token:sess_B"]);
  });

  test("a new session id while still signed in makes Convex fetch a new token", async () => {
    convex.store("sess_A", "active");
    convex.store("sess_B", "active");
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    act(() => clerk.signIn("sess_B"));
    await settle();
    expect(convex.authCalls).toEqual(["setAuth", "clearAuth", "setAuth"]);
    expect(latest()?.verdict).toBe("in_sync");
  });

  test("an org switch makes Convex fetch a new token", async () => {
    convex.store("sess_A", "active");
    mount();
    act(() => clerk.signIn("sess_A", { orgId: "org_1", orgRole: "org:admin" }));
    await settle();
    const before = convex.tokens.length;
    act(() =>
      clerk.update({
        orgId: "org_2",
        sessionClaims: { aud: "convex", sid: "sess_A", org_id: "org_2" },
      }),
    );
    await settle();
    expect(convex.tokens.length).toBe(before + 1);
    expect(latest()?.verdict).toBe("in_sync");
  });

  test("a change of session claims alone makes a new token; a routine refresh does not", async () => {
    convex.store("sess_A", "active");
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    act(() =>
      clerk.update({
        sessionClaims: { aud: "convex", sid: "sess_A", iat: 2, exp: 62 },
      }),
    );
    await settle();
    const afterRefresh = convex.tokens.length;
    act(() =>
      clerk.update({
        sessionClaims: { aud: "convex", sid: "sess_A", iat: 3, exp: 63 },
      }),
    );
    await settle();
    expect(convex.tokens.length).toBe(afterRefresh);
    act(() =>
      clerk.update({
        sessionClaims: {
          aud: "convex",
          sid: "sess_A",
          iat: 3,
          exp: 63,
          plan: "pro",
        },
      }),
    );
    await settle();
    expect(convex.tokens.length).toBe(afterRefresh + 1);
  });

  test("a Clerk user with no org is in sync", async () => {
    convex.store("sess_A", "active");
    mount();
    act(() => clerk.signIn("sess_A", { orgId: null, orgRole: null }));
    await settle();
    expect(latest()?.verdict).toBe("in_sync");
  });
});

describe("token kinds", () => {
  test("Clerk's Convex integration (aud: convex): no template", async () => {
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    expect(clerk.tokenCalls[0]).toEqual({ skipCache: false });
  });

  test("legacy claims: the 'convex' template, and the verdict says so", async () => {
    mount();
    act(() => clerk.signIn("sess_A", { sessionClaims: { sid: "sess_A" } }));
    await settle();
    expect(clerk.tokenCalls[0]).toEqual({
      template: "convex",
      skipCache: false,
    });
    expect(latest()?.verdict).toBe("no_session_claim");
  });

  test("the kind follows the current claims, not the ones at sign-in", async () => {
    mount();
    act(() => clerk.signIn("sess_A", { sessionClaims: { sid: "sess_A" } }));
    await settle();
    act(() =>
      clerk.update({ sessionClaims: { aud: "convex", sid: "sess_A" } }),
    );
    await settle();
    expect(clerk.tokenCalls.at(-1)).toEqual({ skipCache: false });
  });
});

describe("recovery", () => {
  test("token fetch errors leave Convex unauthenticated without crashing", async () => {
    clerk.tokenError = new Error("network down");
    mount(false);
    act(() => clerk.signIn("sess_A"));
    await settle();
    expect(convex.tokens).toEqual([null]);
    expect(latest()?.verdict).toBe("convex_unauthenticated");
  });

  test("a stale cached token is fixed by a forced refresh after the grace period", async () => {
    convex.store("sess_A", "ended");
    convex.store("sess_B", "active");
    clerk.staleToken = "token:sess_A";
    mount();
    act(() => clerk.signIn("sess_B"));
    await settle();
    expect(latest()?.verdict).toBe("convex_stale_session");
    await settle(999);
    expect(recoveries).toEqual([]);
    await settle(1);
    await settle();
    expect(recoveries).toEqual([
      { attempt: 1, action: "refresh_token", verdict: "convex_stale_session" },
    ]);
    expect(clerk.tokenCalls.at(-1)).toEqual({ skipCache: true });
    expect(latest()?.verdict).toBe("in_sync");
    await settle(10_000);
    expect(recoveries).toHaveLength(1);
  });

  test("without the queries the provider fetches tokens but never acts", async () => {
    clerk.staleToken = "token:sess_A";
    mount(false);
    act(() => clerk.signIn("sess_B"));
    await settle(10_000);
    expect(recoveries).toEqual([]);
  });

  test("recovery stops after its attempts: refresh, re-run auth twice, then gives up", async () => {
    clerk.tokenError = new Error("Clerk is down");
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    for (let i = 0; i < 10; i++) await settle(1_000);
    expect(recoveries.map((r) => r.action)).toEqual([
      "refresh_token",
      "remount_auth",
      "remount_auth",
      "gave_up",
    ]);
    const calls = convex.authCalls.length;
    await settle(60_000);
    expect(recoveries).toHaveLength(4);
    expect(convex.authCalls.length).toBe(calls);
    // A remount clears Convex's auth and sets it again.
    expect(
      convex.authCalls.filter((c) => c === "clearAuth").length,
    ).toBeGreaterThanOrEqual(2);
  });

  test("a new incident after recovery gets a fresh set of attempts", async () => {
    convex.store("sess_A", "active");
    clerk.tokenError = new Error("blip");
    mount();
    act(() => clerk.signIn("sess_A"));
    await settle();
    clerk.tokenError = null;
    await settle(1_000);
    await settle();
    expect(latest()?.verdict).toBe("in_sync");
    clerk.tokenError = new Error("again");
    convex.store("sess_B", "active");
    act(() => clerk.signIn("sess_B"));
    await settle();
    await settle(1_000);
    expect(recoveries.map((r) => r.attempt)).toEqual([1, 1]);
  });
});

describe("types", () => {
  test("an app passes its api.sessions as the queries", async () => {
    const { api } = await import("../../convex/_generated/api.js");
    const fromApp: SessionQueries = api.sessions;
    expect(fromApp.whoami).toBeDefined();
  });
});
