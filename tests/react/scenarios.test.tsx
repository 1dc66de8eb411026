// @vitest-environment jsdom
/**
 * The stuck states, each played on convex's real ConvexReactClient over the
 * in-memory sync server, with convex's stock ConvexProviderWithClerk (current,
 * or the pre-fix 1.34.1 where the original report came from) beside ours in
 * the same run, both driven by the same Clerk.
 */
import { cleanup, render } from "@testing-library/react";
import { ConvexProviderWithClerk } from "convex/react-clerk";
import { ConvexProviderWithClerk as PreFixConvexProviderWithClerk } from "convex-1-34/react-clerk";
import { useEffect, type ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  advance,
  App,
  countSetAuth,
  latestVerdict,
  newAppLog,
  PreFixApp,
  queries,
  Report,
  startBed,
  stopBed,
  type AppLog,
} from "../../fixtures/react/harness.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import {
  ConvexProviderWithClerkSessions,
  DEFAULT_RECOVERY,
  useSessionRecovery,
  type RecoveryEvent,
  type RecoveryOptions,
  type SessionRecoveryState,
} from "../../src/react/index.js";

let bed: TestBed;
let events: RecoveryEvent[];
let endedCalls: { sessionId: string }[];

beforeEach(async () => {
  bed = await startBed();
  events = [];
  endedCalls = [];
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

/** Ours and convex's current stock provider, side by side on two clients. */
function mountBoth(recovery: RecoveryOptions = {}, extra?: ReactNode) {
  const stockClient = bed.client("stock");
  const oursClient = bed.client("ours");
  const stock = newAppLog();
  const ours = newAppLog();
  const stockSetAuth = countSetAuth(stockClient);
  const oursSetAuth = countSetAuth(oursClient);
  render(
    <>
      <ConvexProviderWithClerk client={stockClient} useAuth={bed.clerk.useAuth}>
        <App log={stock} useAuth={bed.clerk.useAuth} />
      </ConvexProviderWithClerk>
      <ConvexProviderWithClerkSessions
        client={oursClient}
        useAuth={bed.clerk.useAuth}
        queries={queries}
        recovery={recovery}
        onRecovery={(event) => events.push(event)}
        onSessionEnded={(info) => endedCalls.push(info)}
      >
        <App log={ours} useAuth={bed.clerk.useAuth}>
          {extra}
        </App>
      </ConvexProviderWithClerkSessions>
    </>,
  );
  return { stock, ours, stockSetAuth, oursSetAuth };
}

async function signedIn(sessionId: string) {
  await bed.sessionCreated(sessionId);
  await bed.clerk.signIn(sessionId);
}

function bump(counter: { ours: number }) {
  counter.ours += 1;
}
function useMountCount(counter: { ours: number }) {
  useEffect(() => bump(counter), [counter]);
}

const verdictsSince = (log: AppLog, from: number) =>
  new Set(log.syncs.slice(from).map((sync) => sync.verdict));

describe("c. a routine token refresh every 50 s for 10 minutes", () => {
  test("ours: no remount under <Authenticated>, isAuthenticated never false, no setAuth beyond the stock provider's", async () => {
    await signedIn("sess_A");
    const { stock, ours, stockSetAuth, oursSetAuth } = mountBoth();
    await advance(bed, 2_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(latestVerdict(stock)).toBe("in_sync");
    const from = ours.syncs.length;

    const claimsSeen: Record<string, unknown>[] = [];
    for (let second = 0; second < 600; second += 5) {
      await advance(bed, 5_000, 1_000);
      const claims = bed.clerk.useAuthSnapshot().sessionClaims;
      if (claims && claims !== claimsSeen.at(-1)) claimsSeen.push(claims);
    }
    // Clerk's claims really moved under the app: iat/exp every refresh, fva every minute.
    expect(new Set(claimsSeen.map((c) => c.iat)).size).toBeGreaterThanOrEqual(
      11,
    );
    expect(new Set(claimsSeen.map((c) => c.exp)).size).toBeGreaterThanOrEqual(
      11,
    );
    expect(
      new Set(claimsSeen.map((c) => JSON.stringify(c.fva))).size,
    ).toBeGreaterThanOrEqual(9);

    expect(ours.mounts).toBe(1);
    expect(ours.unmounts).toBe(0);
    expect(ours.authDrops).toBe(0);
    expect(ours.authStates).toEqual([false, true]);
    expect(verdictsSince(ours, from)).toEqual(new Set(["in_sync"]));
    expect(oursSetAuth.mock.calls.length).toBeLessThanOrEqual(
      stockSetAuth.mock.calls.length,
    );
    expect(oursSetAuth).toHaveBeenCalledTimes(1);
    // Convex confirmed a fresh token before each one expired: never an expired one held.
    expect(bed.server.count("expired", "ours")).toBe(0);
    expect(bed.server.count("connect", "ours")).toBe(1);
    expect(bed.server.count("confirmed", "ours")).toBeGreaterThanOrEqual(11);
    expect(events).toEqual([]);
    // The stock provider beside it, for the record: no remounts either.
    expect(stock.unmounts).toBe(0);
    expect(stock.authDrops).toBe(0);
  });
});

describe("a. sign-out then sign-in with a new session id", () => {
  /** Ours beside the pre-fix stock provider (convex 1.34.1), on two clients. */
  function mountBesidePreFix() {
    const preFixClient = bed.preFixClient("prefix");
    const oursClient = bed.client("ours");
    const preFix = newAppLog();
    const ours = newAppLog();
    const oursSetAuth = countSetAuth(oursClient);
    const appMounts = { ours: 0 };
    function OursApp() {
      useMountCount(appMounts);
      return <App log={ours} useAuth={bed.clerk.useAuth} />;
    }
    render(
      <>
        <PreFixConvexProviderWithClerk
          client={preFixClient}
          useAuth={bed.clerk.useAuth}
        >
          <PreFixApp
            log={preFix}
            useAuth={bed.clerk.useAuth}
            client={preFixClient}
          />
        </PreFixConvexProviderWithClerk>
        <ConvexProviderWithClerkSessions
          client={oursClient}
          useAuth={bed.clerk.useAuth}
          queries={queries}
          onRecovery={(event) => events.push(event)}
        >
          <OursApp />
        </ConvexProviderWithClerkSessions>
      </>,
    );
    return { preFix, ours, oursSetAuth, appMounts };
  }

  test("mounted signed in as A, Clerk goes to B in one render: the pre-fix provider keeps A's token, useSessionSync names it within one round trip; ours follows without remounting the app", async () => {
    await signedIn("sess_A");
    bed.server.latencyMs = 40;
    const { preFix, ours, oursSetAuth, appMounts } = mountBesidePreFix();
    await advance(bed, 2_000);
    expect(latestVerdict(preFix)).toBe("in_sync");
    expect(latestVerdict(ours)).toBe("in_sync");

    await bed.sessionCreated("sess_B");
    // Clerk's sign-out and sign-in land in one render: B replaces A.
    await bed.clerk.signIn("sess_B");
    // One query round trip: sessionStatus(B) asked, answered.
    await advance(bed, 100, 20);
    expect(latestVerdict(preFix)).toBe("convex_stale_session");
    expect(preFix.syncs.at(-1)).toMatchObject({
      clerkSessionId: "sess_B",
      convexSessionId: "sess_A",
    });
    await advance(bed, 1_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(ours.syncs.at(-1)?.convexSessionId).toBe("sess_B");
    expect(oursSetAuth).toHaveBeenCalledTimes(2);
    expect(appMounts.ours).toBe(1);

    // The pre-fix provider stays on A until A's token is due for refresh.
    await advance(bed, 40_000, 1_000);
    expect(latestVerdict(preFix)).toBe("convex_stale_session");
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(events).toEqual([]);
  });

  test("mounted signed out, then signed in: the pre-fix provider asks for the template token for good (no_session_claim); ours is in sync", async () => {
    bed.clerk.loadSignedOut();
    const { preFix, ours } = mountBesidePreFix();
    await advance(bed, 1_000);
    expect(latestVerdict(preFix)).toBe("signed_out");
    expect(latestVerdict(ours)).toBe("signed_out");

    await signedIn("sess_B");
    await advance(bed, 5_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(latestVerdict(preFix)).toBe("no_session_claim");
    await advance(bed, 10 * 60_000, 5_000);
    expect(latestVerdict(preFix)).toBe("no_session_claim");
    expect(latestVerdict(ours)).toBe("in_sync");
    const templateCalls = bed.clerk.tokenCalls.filter(
      (call) => call.template === "convex",
    );
    expect(templateCalls.length).toBeGreaterThan(5);
  });
});

describe("b. sign-up while the provider is mounted (convex-js #176)", () => {
  test("Clerk's new session has no token for its first moments: the stock provider stays unauthenticated; ours fetches once the session's claims arrive", async () => {
    bed.clerk.loadSignedOut();
    const { stock, ours } = mountBoth();
    await advance(bed, 1_000);

    // Sign-up: Clerk reports the new session before it can mint its token.
    bed.clerk.withholdTokens = true;
    await bed.sessionCreated("sess_new", "user_new");
    await bed.clerk.signIn("sess_new", { userId: "user_new", sts: "pending" });
    await advance(bed, 1_500);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    // Sign-up completes: the session is active and its token exists.
    bed.clerk.withholdTokens = false;
    await bed.clerk.updateSession({ sts: "active" });
    await advance(bed, 2_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(ours.syncs.at(-1)?.convexSessionId).toBe("sess_new");

    await advance(bed, 5 * 60_000, 5_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(ours.authDrops).toBe(0);
  });
});

describe("d. the real client's terminal unauthenticated state", () => {
  test("a reauth that gets back the identical token (convex-js #184): the stock provider stays unauthenticated; ours rebinds on a capped exponential backoff until Convex confirms, never in a tight loop", async () => {
    await signedIn("sess_A");
    const { stock, ours, stockSetAuth } = mountBoth();
    await advance(bed, 2_000);
    expect(latestVerdict(ours)).toBe("in_sync");

    // Clerk's token refresh stalls: a forced fetch hands back the cached token.
    bed.clerk.backgroundRefresh = false;
    bed.clerk.forcedFetchReturnsCached = true;
    await advance(bed, 3 * 60_000, 1_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(latestVerdict(ours)).toBe("convex_unauthenticated");
    expect(stock.authStates.at(-1)).toBe(false);
    const rebinds = events.filter((event) => event.action === "rebind");
    expect(rebinds.map((event) => event.delayMs)).toEqual(
      [3_000, 2_000, 4_000, 60_000, 60_000].slice(0, rebinds.length),
    );
    expect(rebinds.length).toBeGreaterThanOrEqual(4);
    expect(events.some((event) => event.action === "gave_up")).toBe(true);
    // Each try is one new socket at most: no tight loop.
    expect(bed.server.count("connect", "ours")).toBeLessThanOrEqual(
      2 * rebinds.length + 2,
    );

    // Clerk recovers. Ours confirms on its next slow retry; the stock provider never asks again.
    bed.clerk.forcedFetchReturnsCached = false;
    bed.clerk.backgroundRefresh = true;
    await advance(bed, 61_000, 1_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(ours.syncs.at(-1)?.convexSessionId).toBe("sess_A");
    expect(events.at(-1)).toMatchObject({ action: "recovered" });
    const stockCalls = stockSetAuth.mock.calls.length;
    await advance(bed, 5 * 60_000, 5_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(stockSetAuth.mock.calls.length).toBe(stockCalls);
    expect(latestVerdict(ours)).toBe("in_sync");
  });

  test("one failed token fetch during reauth (a laptop waking offline): the stock provider stays unauthenticated; ours recovers after the grace period", async () => {
    await signedIn("sess_A");
    const { stock, ours } = mountBoth();
    await advance(bed, 2_000);
    const wokeAt = Date.now();
    // Asleep past the token's life: the server refuses the token it held,
    // and the first token fetch after waking finds no network.
    bed.server.refuse = (claims) =>
      Number(claims.iat) * 1000 < wokeAt ? "Token expired" : null;
    bed.clerk.failNextFetches(2);
    bed.server.dropAll();
    await advance(bed, 2_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(latestVerdict(ours)).toBe("convex_unauthenticated");

    await advance(bed, 5_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(events.map((event) => event.action)).toEqual([
      "rebind",
      "recovered",
    ]);
    await advance(bed, 5 * 60_000, 5_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(latestVerdict(ours)).toBe("in_sync");
  });

  test("an intentional sign-out: no recovery, no setAuth, for minutes", async () => {
    await signedIn("sess_A");
    const { ours, oursSetAuth } = mountBoth();
    await advance(bed, 2_000);
    const calls = oursSetAuth.mock.calls.length;
    bed.clerk.signOut();
    await advance(bed, 10 * 60_000, 5_000);
    expect(latestVerdict(ours)).toBe("signed_out");
    expect(events).toEqual([]);
    expect(oursSetAuth.mock.calls.length).toBe(calls);
  });
});

describe("e. Convex refusing the token", () => {
  test("wrong audience through the JWT template: the error says why, and recovery gives up without retrying", async () => {
    // Clerk's Convex integration is off: session tokens lack aud "convex",
    // and the "convex" template was made with another audience.
    bed.clerk.template = { exists: true, aud: "my-app" };
    await bed.sessionCreated("sess_A");
    await bed.clerk.signIn("sess_A", { aud: null });
    let recovery: SessionRecoveryState | undefined;
    const status = (
      <Report
        use={useSessionRecovery}
        to={(value) => {
          recovery = value;
        }}
      />
    );
    const { stock, ours, oursSetAuth } = mountBoth({}, status);
    await advance(bed, 10_000);
    expect(latestVerdict(ours)).toBe("convex_unauthenticated");
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(recovery).toMatchObject({
      status: "gave_up",
      verdict: "convex_unauthenticated",
      error: { code: "TOKEN_AUDIENCE" },
    });
    expect(recovery?.error?.message).toMatch(/"my-app".*"convex"/);
    expect(recovery?.attempts).toBeLessThanOrEqual(
      DEFAULT_RECOVERY.maxAttempts,
    );
    expect(bed.server.events.find((e) => e.kind === "refused")).toMatchObject({
      reason: expect.stringMatching(/No auth provider found/),
    });

    const calls = oursSetAuth.mock.calls.length;
    const refused = bed.server.count("refused", "ours");
    await advance(bed, 10 * 60_000, 5_000);
    expect(oursSetAuth.mock.calls.length).toBe(calls);
    expect(bed.server.count("refused", "ours")).toBe(refused);
    expect(events.filter((e) => e.action === "gave_up")).toHaveLength(1);
  });
  test("a refusal that passes (the deployment's auth config being fixed): fast tries, gave_up, then a slow retry confirms once Convex accepts; the stock provider stays unauthenticated", async () => {
    await signedIn("sess_A");
    bed.server.refuse = () => "No auth provider found matching the given token";
    const { stock, ours, stockSetAuth } = mountBoth();
    await advance(bed, 30_000, 500);
    expect(latestVerdict(ours)).toBe("convex_unauthenticated");
    expect(events.map((e) => e.action)).toEqual([
      "rebind",
      "rebind",
      "rebind",
      "gave_up",
    ]);
    expect(events.at(-1)).toMatchObject({
      error: { code: "NOT_CONFIRMED" },
      slowRetry: true,
    });
    // Each setAuth costs at most what convex's client spends on it by
    // itself (the token, a forced refetch, two retries of a fresh one).
    const setAuths = 1 + 3;
    expect(bed.server.count("refused", "stock")).toBeGreaterThan(0);
    expect(bed.server.count("refused", "ours")).toBeLessThanOrEqual(
      4 * setAuths,
    );
    expect(bed.server.count("connect", "ours")).toBeLessThanOrEqual(
      1 + 4 * setAuths,
    );

    bed.server.refuse = () => null;
    await advance(bed, 60_000, 1_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(events.at(-1)).toMatchObject({ action: "recovered" });
    const stockCalls = stockSetAuth.mock.calls.length;
    await advance(bed, 5 * 60_000, 5_000);
    expect(latestVerdict(stock)).toBe("convex_unauthenticated");
    expect(stockSetAuth.mock.calls.length).toBe(stockCalls);
  });
});

describe("f. the server says the session ended while Clerk's client still holds it", () => {
  test("session_ended, onSessionEnded called once, no loop", async () => {
    await signedIn("sess_A");
    const { stock, ours, oursSetAuth } = mountBoth();
    await advance(bed, 2_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    const calls = oursSetAuth.mock.calls.length;

    await bed.sessionEnded("sess_A");
    await advance(bed, 1_000);
    expect(latestVerdict(ours)).toBe("session_ended");
    expect(latestVerdict(stock)).toBe("session_ended");
    expect(endedCalls).toEqual([{ sessionId: "sess_A" }]);

    await advance(bed, 10 * 60_000, 5_000);
    expect(endedCalls).toHaveLength(1);
    expect(events.map((event) => event.action)).toEqual(["session_ended"]);
    expect(oursSetAuth.mock.calls.length).toBe(calls);
  });

  test("a stored expireAt that passes while Clerk's client holds the session ends nothing", async () => {
    // The store's snapshot says Clerk expires this session two minutes from
    // now; Clerk may extend it on activity and sends no webhook for that.
    await bed.sessionCreated("sess_A", "user_1", {
      expireAt: Date.now() + 120_000,
    });
    await bed.clerk.signIn("sess_A");
    const { ours } = mountBoth();
    await advance(bed, 2_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    await advance(bed, 2 * 60_000, 1_000);
    expect(latestVerdict(ours)).toBe("in_sync");
    expect(endedCalls).toEqual([]);
  });
});
