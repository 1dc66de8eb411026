// @vitest-environment jsdom
/**
 * After the provider unmounts, nothing of it keeps asking Clerk for tokens:
 * the same-token retry (a forced refresh that handed back the token Convex
 * holds) stops at its next step.
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
import { ConvexProviderWithClerkSessions } from "../../src/react/index.js";

let bed: TestBed;
let log: AppLog;
beforeEach(async () => {
  bed = await startBed();
  log = newAppLog();
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

function mount() {
  return render(
    <ConvexProviderWithClerkSessions
      client={bed.client("ours")}
      useAuth={bed.clerk.useAuth}
      queries={queries}
    >
      <App log={log} useAuth={bed.clerk.useAuth} />
    </ConvexProviderWithClerkSessions>,
  );
}

test("after unmount the same-token retry asks Clerk for no more tokens", async () => {
  await bed.sessionCreated("sess_A");
  await bed.clerk.signIn("sess_A");
  const view = mount();
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");
  // Clerk's forced refresh hands back the cached token.
  bed.clerk.backgroundRefresh = false;
  bed.clerk.forcedFetchReturnsCached = true;
  const forced = () => bed.clerk.tokenCalls.filter((c) => c.skipCache).length;
  const before = forced();
  for (let i = 0; i < 700 && forced() === before; i++) {
    await advance(bed, 100, 100);
  }
  expect(forced()).toBe(before + 1);
  // The fetcher is now waiting out the second before asking again: unmount.
  view.unmount();
  const calls = bed.clerk.tokenCalls.length;
  await advance(bed, 5_000, 100);
  expect(bed.clerk.tokenCalls.length - calls).toBe(0);
}, 120_000);
