// @vitest-environment jsdom
/**
 * A session switch that lands while convex's client is re-authenticating
 * (its token fetch in flight, the socket stopped): a new fetcher handed over
 * then would make the reauth see a stale config and never restart the
 * socket. The provider hands it over once the fetch settles, and Convex
 * follows Clerk to the new session.
 */
import { cleanup, render } from "@testing-library/react";
import { afterEach, beforeEach, expect, test } from "vitest";
import {
  advance,
  App,
  latestVerdict,
  newAppLog,
  queries,
  startBed,
  stopBed,
  type AppLog,
} from "../../fixtures/react/harness.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import {
  ConvexProviderWithClerkSessions,
  type RecoveryEvent,
} from "../../src/react/index.js";

let bed: TestBed;
let log: AppLog;
let events: RecoveryEvent[];
beforeEach(async () => {
  bed = await startBed();
  log = newAppLog();
  events = [];
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

async function wakeWithSlowClerk(switchToB: boolean) {
  await bed.sessionCreated("sess_A");
  await bed.sessionCreated("sess_B");
  await bed.clerk.signIn("sess_A");
  render(
    <ConvexProviderWithClerkSessions
      client={bed.client("ours")}
      useAuth={bed.clerk.useAuth}
      queries={queries}
      onRecovery={(event) => events.push(event)}
    >
      <App log={log} useAuth={bed.clerk.useAuth} />
    </ConvexProviderWithClerkSessions>,
  );
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");

  // A laptop wakes: the held token is refused on reconnect, and Clerk
  // answers the reauth's token fetch slowly.
  await advance(bed, 1_000);
  const wokeAt = Date.now();
  bed.server.refuse = (claims) =>
    Number(claims.iat) * 1000 < wokeAt ? "Token expired" : null;
  bed.clerk.fetchLatencyMs = 3_000;
  bed.server.dropAll();
  for (let i = 0; i < 100 && bed.server.count("refused", "ours") === 0; i++) {
    await advance(bed, 100, 100);
  }
  expect(bed.server.count("refused", "ours")).toBe(1);
  // convex's reauth is waiting on Clerk's getToken right now.
  expect(bed.clerk.inFlight()).toBeGreaterThan(0);
  // The user switches to session B meanwhile (or, in the control, does not).
  if (switchToB) await bed.clerk.signIn("sess_B");
  await advance(bed, 60_000, 5_000);
  return {
    verdict: latestVerdict(log),
    convexSessionId: log.syncs.at(-1)?.convexSessionId,
    openConnections: bed.server
      .openConnections()
      .filter((c) => c.label === "ours").length,
  };
}

test("control: the same wake without a switch recovers on sess_A", async () => {
  expect(await wakeWithSlowClerk(false)).toEqual({
    verdict: "in_sync",
    convexSessionId: "sess_A",
    openConnections: 1,
  });
}, 180_000);

test("a session switch while convex's client is re-authenticating is followed (Convex ends on sess_B, connected)", async () => {
  expect(await wakeWithSlowClerk(true)).toEqual({
    verdict: "in_sync",
    convexSessionId: "sess_B",
    openConnections: 1,
  });
}, 180_000);
