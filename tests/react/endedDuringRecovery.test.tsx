// @vitest-environment jsdom
/**
 * A recovery try held back by a token fetch in flight: if the server says
 * meanwhile that Clerk's session ended, the try is dropped when the fetch
 * ends (no rebind, no setAuth): recovery never acts on an ended session.
 */
import { cleanup, render } from "@testing-library/react";
import { afterEach, beforeEach, expect, test } from "vitest";
import {
  advance,
  App,
  countSetAuth,
  latestVerdict,
  newAppLog,
  queries,
  startBed,
  stopBed,
  type AppLog,
} from "../../fixtures/react/harness.js";
import type { FakeClerkAuth } from "../../fixtures/react/fakeClerk.js";
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

test("no rebind (no setAuth) once the server says Clerk's session ended", async () => {
  await bed.sessionCreated("sess_A");
  await bed.clerk.signIn("sess_A");
  // Clerk answers slowly (waiting on the fake clock, not tracked as work).
  let latencyMs = 0;
  let waiting = 0;
  const slowGetToken: FakeClerkAuth["getToken"] = async (options) => {
    waiting += 1;
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    waiting -= 1;
    return await bed.clerk.getToken(options);
  };
  const useAuth = () => ({ ...bed.clerk.useAuth(), getToken: slowGetToken });
  const client = bed.client("ours");
  const setAuth = countSetAuth(client);
  render(
    <ConvexProviderWithClerkSessions
      client={client}
      useAuth={useAuth}
      queries={queries}
      recovery={{ gracePeriodMs: 1_000 }}
      onRecovery={(event) => events.push(event)}
    >
      <App log={log} useAuth={useAuth} />
    </ConvexProviderWithClerkSessions>,
  );
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");
  // Convex stops accepting this app's tokens for a while (a laptop wakes,
  // the deployment's auth is being fixed, ...); Clerk is slow to answer.
  bed.server.refuse = () => "Token refused";
  latencyMs = 3_000;
  bed.server.dropAll();
  // Wait for a recovery try that is held back by a token fetch in flight:
  // reported, but no setAuth yet.
  let held = false;
  for (let i = 0; i < 600 && !held; i++) {
    const rebinds = events.filter((e) => e.action === "rebind").length;
    const calls = setAuth.mock.calls.length;
    await advance(bed, 100, 100);
    held =
      events.filter((e) => e.action === "rebind").length > rebinds &&
      setAuth.mock.calls.length === calls;
  }
  expect(held).toBe(true);
  expect(waiting).toBeGreaterThan(0);
  // Meanwhile the session ends on the server (the user signed out elsewhere).
  await bed.sessionEnded("sess_A");
  let endedCalls = -1;
  for (let i = 0; i < 600; i++) {
    await advance(bed, 100, 100);
    if (endedCalls < 0 && latestVerdict(log) === "session_ended") {
      endedCalls = setAuth.mock.calls.length;
    }
  }
  expect(latestVerdict(log)).toBe("session_ended");
  expect(setAuth.mock.calls.length - endedCalls).toBe(0);
}, 120_000);
