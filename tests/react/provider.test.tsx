// @vitest-environment jsdom
/**
 * ConvexProviderWithClerkSessions, useSessionSync and useSessionRecovery on
 * convex's real ConvexReactClient over the in-memory sync server: when a new
 * token is fetched, which kind, and the recovery contract.
 */
import { act, cleanup, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  advance,
  App,
  countSetAuth,
  latestVerdict,
  newAppLog,
  queries,
  Report,
  startBed,
  stopBed,
  type AppLog,
} from "../../fixtures/react/harness.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import {
  ConvexProviderWithClerkSessions,
  useSessionRecovery,
  type RecoveryEvent,
  type RecoveryOptions,
  type SessionQueries,
  type SessionRecoveryState,
} from "../../src/react/index.js";

let bed: TestBed;
let log: AppLog;
let events: RecoveryEvent[];
let recovery: SessionRecoveryState | undefined;

beforeEach(async () => {
  bed = await startBed();
  log = newAppLog();
  events = [];
  recovery = undefined;
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

const RecoveryProbe = () => (
  <Report
    use={useSessionRecovery}
    to={(value) => {
      recovery = value;
    }}
  />
);

function mount(
  options: {
    withQueries?: boolean;
    recovery?: RecoveryOptions;
    sessionClaimNames?: string[];
  } = {},
) {
  const client = bed.client("ours");
  const setAuth = countSetAuth(client);
  const withQueries = options.withQueries ?? true;
  render(
    <ConvexProviderWithClerkSessions
      client={client}
      useAuth={bed.clerk.useAuth}
      {...(withQueries ? { queries } : {})}
      recovery={options.recovery ?? { gracePeriodMs: 1_000 }}
      onRecovery={(event) => events.push(event)}
      sessionClaimNames={options.sessionClaimNames}
    >
      <App log={log} useAuth={bed.clerk.useAuth}>
        {withQueries ? <RecoveryProbe /> : null}
      </App>
    </ConvexProviderWithClerkSessions>,
  );
  return { setAuth };
}

async function signIn(sessionId: string, options = {}) {
  await bed.sessionCreated(sessionId);
  await bed.clerk.signIn(sessionId, options);
}

describe("when Convex is asked for a new token", () => {
  test("before Clerk has loaded: loading, and Convex is not asked for auth", async () => {
    const { setAuth } = mount();
    await advance(bed, 2_000);
    expect(latestVerdict(log)).toBe("loading");
    expect(setAuth).not.toHaveBeenCalled();
    expect(bed.server.count("confirmed")).toBe(0);
  });

  test("an org switch makes Convex fetch a new token, carrying the new org", async () => {
    await signIn("sess_A", { org: { id: "org_1", role: "org:admin" } });
    const { setAuth } = mount();
    await advance(bed, 2_000);
    expect(latestVerdict(log)).toBe("in_sync");
    await bed.clerk.updateSession({ org: { id: "org_2", role: "org:member" } });
    await advance(bed, 2_000);
    expect(setAuth).toHaveBeenCalledTimes(2);
    expect(latestVerdict(log)).toBe("in_sync");
    const lastConfirmed = bed.server.openConnections().at(-1)?.identity?.claims;
    expect(lastConfirmed?.o).toMatchObject({ id: "org_2", rol: "member" });
  });

  test("a change of permissions or of a custom claim the app names makes a new token; other custom claims do not", async () => {
    await signIn("sess_A", {
      org: { id: "org_1", role: "org:admin", permissions: ["org:a:read"] },
      custom: { plan: "free", theme: "dark" },
    });
    const { setAuth } = mount({ sessionClaimNames: ["plan"] });
    await advance(bed, 2_000);
    await bed.clerk.updateSession({ custom: { plan: "free", theme: "light" } });
    await advance(bed, 2_000);
    expect(setAuth).toHaveBeenCalledTimes(1);
    await bed.clerk.updateSession({ custom: { plan: "pro", theme: "light" } });
    await advance(bed, 2_000);
    expect(setAuth).toHaveBeenCalledTimes(2);
    await bed.clerk.updateSession({
      org: {
        id: "org_1",
        role: "org:admin",
        permissions: ["org:a:read", "org:a:write"],
      },
    });
    await advance(bed, 2_000);
    expect(setAuth).toHaveBeenCalledTimes(3);
    expect(latestVerdict(log)).toBe("in_sync");
  });

  test("a session switch while signed in makes a new token", async () => {
    await signIn("sess_A");
    const { setAuth } = mount();
    await advance(bed, 2_000);
    await signIn("sess_B");
    await advance(bed, 2_000);
    expect(setAuth).toHaveBeenCalledTimes(2);
    expect(log.syncs.at(-1)).toMatchObject({
      verdict: "in_sync",
      convexSessionId: "sess_B",
    });
  });
});

describe("token kinds", () => {
  test("Clerk's Convex integration (aud: convex): no template", async () => {
    await signIn("sess_A");
    mount();
    await advance(bed, 2_000);
    expect(bed.clerk.tokenCalls[0]).toEqual({ skipCache: false });
    expect(bed.clerk.tokenCalls.some((call) => call.template)).toBe(false);
  });

  test("legacy claims (no aud: convex): the 'convex' template, and the verdict says the token has no sid", async () => {
    await signIn("sess_A", { aud: null });
    mount();
    await advance(bed, 5_000);
    expect(bed.clerk.tokenCalls[0]).toEqual({
      template: "convex",
      skipCache: false,
    });
    expect(latestVerdict(log)).toBe("no_session_claim");
    expect(events).toEqual([]);
  });

  test("the kind follows the current claims, not the ones at sign-in", async () => {
    await signIn("sess_A", { aud: null });
    mount();
    await advance(bed, 2_000);
    await bed.clerk.updateSession({ aud: "convex" });
    await advance(bed, 2_000);
    expect(bed.clerk.tokenCalls.at(-1)?.template).toBeUndefined();
    expect(latestVerdict(log)).toBe("in_sync");
  });
});

describe("recovery", () => {
  test("without the queries the provider fetches tokens but never acts", async () => {
    bed.clerk.failNextFetches(100);
    await signIn("sess_A");
    const { setAuth } = mount({ withQueries: false });
    await advance(bed, 60_000, 1_000);
    expect(events).toEqual([]);
    expect(setAuth).toHaveBeenCalledTimes(1);
    expect(log.authStates.at(-1)).toBe(false);
  });

  test("a failing token fetch: tries back off, the error says the fetch failed, a slow retry keeps going and succeeds once Clerk answers", async () => {
    bed.clerk.failNextFetches(1_000);
    await signIn("sess_A");
    mount({
      recovery: {
        gracePeriodMs: 1_000,
        backoffMs: 1_000,
        maxAttempts: 3,
        slowRetryMs: 30_000,
      },
    });
    await advance(bed, 10_000);
    expect(
      events.map((event) =>
        event.action === "rebind" ? event.delayMs : event.action,
      ),
    ).toEqual([1_000, 1_000, 2_000, "gave_up"]);
    expect(recovery).toMatchObject({
      status: "gave_up",
      attempts: 3,
      error: { code: "TOKEN_FETCH_FAILED" },
    });
    await advance(bed, 30_000, 1_000);
    expect(events.at(-1)).toMatchObject({ action: "rebind", slow: true });
    bed.clerk.failNextFetches(0);
    await advance(bed, 31_000, 1_000);
    expect(latestVerdict(log)).toBe("in_sync");
    expect(recovery).toMatchObject({ status: "recovered", error: null });
  });

  test("a new incident after recovery gets a fresh set of attempts", async () => {
    bed.clerk.failNextFetches(2);
    await signIn("sess_A");
    mount();
    await advance(bed, 3_000);
    expect(latestVerdict(log)).toBe("in_sync");
    bed.clerk.failNextFetches(2);
    await signIn("sess_B");
    await advance(bed, 3_000);
    expect(latestVerdict(log)).toBe("in_sync");
    expect(
      events.filter((e) => e.action === "rebind").map((e) => e.attempt),
    ).toEqual([1, 1]);
  });
});

describe("useSessionRecovery().recover()", () => {
  test("manual only: concurrent calls share one try, and it resolves once Convex confirms", async () => {
    bed.clerk.failNextFetches(2);
    await signIn("sess_A");
    const { setAuth } = mount({ recovery: { automatic: false } });
    await advance(bed, 10_000);
    expect(recovery?.verdict).toBe("convex_unauthenticated");
    expect(recovery?.status).toBe("idle");
    expect(events).toEqual([]);

    let settled = 0;
    const first = recovery!.recover().then(() => (settled += 1));
    const second = recovery!.recover().then(() => (settled += 1));
    expect(settled).toBe(0);
    await advance(bed, 2_000);
    await act(async () => {
      await Promise.all([first, second]);
    });
    expect(settled).toBe(2);
    expect(setAuth).toHaveBeenCalledTimes(2);
    expect(recovery).toMatchObject({
      status: "recovered",
      verdict: "in_sync",
      attempts: 1,
    });
    // Already in sync: resolves without touching Convex.
    await act(async () => {
      await recovery!.recover();
    });
    expect(setAuth).toHaveBeenCalledTimes(2);
  });

  test("times out when Convex does not confirm", async () => {
    await signIn("sess_A");
    bed.server.refuse = () => "Token refused";
    mount({ recovery: { automatic: false, timeoutMs: 5_000 } });
    await advance(bed, 3_000);
    const outcome = recovery!.recover().then(
      () => "resolved",
      (error: Error) => error.message,
    );
    await advance(bed, 6_000);
    expect(await outcome).toMatch(/did not confirm.*5000 ms/);
  });

  test("outside the provider it says what is missing", () => {
    expect(() => render(<RecoveryProbe />)).toThrow(
      /ConvexProviderWithClerkSessions/,
    );
  });
});

describe("types", () => {
  test("an app passes its api.sessions as the queries", async () => {
    const { api } = await import("../../convex/_generated/api.js");
    const fromApp: SessionQueries = api.sessions;
    expect(fromApp.whoami).toBeDefined();
  });
});
