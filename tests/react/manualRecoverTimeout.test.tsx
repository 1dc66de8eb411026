// @vitest-environment jsdom
/**
 * Manual recovery (`automatic: false`): a `recover()` that Convex never
 * confirms rejects after `timeoutMs` and leaves the status `gave_up`, so the
 * app's "Reconnect" button shows again.
 */
import { cleanup, render } from "@testing-library/react";
import { afterEach, beforeEach, expect, test } from "vitest";
import {
  advance,
  App,
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
  type RecoveryOptions,
  type SessionRecoveryState,
} from "../../src/react/index.js";

let bed: TestBed;
let log: AppLog;
let recovery: SessionRecoveryState | undefined;
beforeEach(async () => {
  bed = await startBed();
  log = newAppLog();
  recovery = undefined;
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

function mount(options: RecoveryOptions = {}) {
  return render(
    <ConvexProviderWithClerkSessions
      client={bed.client("ours")}
      useAuth={bed.clerk.useAuth}
      queries={queries}
      recovery={options}
    >
      <App log={log} useAuth={bed.clerk.useAuth}>
        <Report
          use={useSessionRecovery}
          to={(value) => {
            recovery = value;
          }}
        />
      </App>
    </ConvexProviderWithClerkSessions>,
  );
}

test("recover() that times out: rejected, status gave_up with NOT_CONFIRMED", async () => {
  await bed.sessionCreated("sess_A");
  await bed.clerk.signIn("sess_A");
  bed.server.refuse = () => "Token refused";
  mount({ automatic: false, timeoutMs: 5_000 });
  await advance(bed, 30_000, 500);
  expect(recovery?.verdict).toBe("convex_unauthenticated");
  const outcome = recovery!.recover().then(
    () => "resolved",
    (error: Error) => error.message,
  );
  await advance(bed, 6_000);
  expect(await outcome).toMatch(/did not confirm/);
  await advance(bed, 60_000, 1_000);
  expect(recovery).toMatchObject({
    verdict: "convex_unauthenticated",
    attempts: 1,
  });
  expect(recovery).toMatchObject({
    status: "gave_up",
    error: { code: "NOT_CONFIRMED" },
  });
}, 120_000);
