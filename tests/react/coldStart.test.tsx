// @vitest-environment jsdom
/**
 * Cold start not restored (Clerk Expo on iOS comes up signed out although
 * the session is live on the server): the provider remembers the session
 * Convex confirmed through the app's storage and names the state once;
 * a sign-out, or the session ending on the server, forgets it.
 */
import { cleanup, render } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
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
import { createFakeClerk } from "../../fixtures/react/fakeClerk.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import {
  ConvexProviderWithClerkSessions,
  type RecoveryEvent,
  type SessionStorage,
} from "../../src/react/index.js";
import { REMEMBERED_SESSION_KEY } from "../../src/react/rememberedSession.js";

let bed: TestBed;
let events: RecoveryEvent[];

beforeEach(async () => {
  bed = await startBed();
  events = [];
  window.localStorage.clear();
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

/** AsyncStorage's shape: every call answers later. */
function asyncStorage(): SessionStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  const later = async <T,>(value: T) => {
    await new Promise((resolve) => setImmediate(resolve));
    return value;
  };
  return {
    data,
    getItem: (key) => later(data.get(key) ?? null),
    setItem: (key, value) => later(void data.set(key, value)),
    removeItem: (key) => later(void data.delete(key)),
  };
}

/** One app launch: a fresh client and a fresh Clerk, sharing the server and the storage. */
function launch(storage: SessionStorage) {
  const clerk = createFakeClerk();
  const log: AppLog = newAppLog();
  const view = render(
    <ConvexProviderWithClerkSessions
      client={bed.client("app")}
      useAuth={clerk.useAuth}
      queries={queries}
      storage={storage}
      onRecovery={(event) => events.push(event)}
    >
      <App log={log} useAuth={clerk.useAuth} />
    </ConvexProviderWithClerkSessions>,
  );
  const quit = () => {
    view.unmount();
    clerk.dispose();
  };
  return { clerk, log, quit };
}

async function confirmedThenQuit(storage: SessionStorage, sessionId: string) {
  await bed.sessionCreated(sessionId);
  const first = launch(storage);
  await first.clerk.signIn(sessionId);
  await advance(bed, 2_000);
  expect(latestVerdict(first.log)).toBe("in_sync");
  first.quit();
}

describe.each([
  ["localStorage (sync)", () => window.localStorage],
  ["an AsyncStorage-like adapter", asyncStorage],
])("with %s", (_name, makeStorage) => {
  test("Clerk comes up signed out while the remembered session is live: clerk_session_not_restored, reported once", async () => {
    const storage = makeStorage();
    await confirmedThenQuit(storage, "sess_A");
    expect(await storage.getItem(REMEMBERED_SESSION_KEY)).toBe("sess_A");

    const cold = launch(storage);
    cold.clerk.loadSignedOut();
    await advance(bed, 2_000);
    expect(latestVerdict(cold.log)).toBe("clerk_session_not_restored");
    await advance(bed, 5 * 60_000, 5_000);
    expect(latestVerdict(cold.log)).toBe("clerk_session_not_restored");
    expect(events).toEqual([
      {
        action: "clerk_session_not_restored",
        attempt: 0,
        verdict: "clerk_session_not_restored",
        sessionId: "sess_A",
      },
    ]);

    // Clerk's own restore succeeds after all: back in sync, nothing more reported.
    await cold.clerk.signIn("sess_A");
    await advance(bed, 2_000);
    expect(latestVerdict(cold.log)).toBe("in_sync");
    expect(events).toHaveLength(1);
  });

  test("an intentional sign-out forgets the session: no false alarm on the next launch", async () => {
    const storage = makeStorage();
    await bed.sessionCreated("sess_A");
    const first = launch(storage);
    await first.clerk.signIn("sess_A");
    await advance(bed, 2_000);
    first.clerk.signOut();
    await advance(bed, 2_000);
    expect(latestVerdict(first.log)).toBe("signed_out");
    expect(await storage.getItem(REMEMBERED_SESSION_KEY)).toBeNull();
    first.quit();

    const next = launch(storage);
    next.clerk.loadSignedOut();
    await advance(bed, 2_000);
    expect(latestVerdict(next.log)).toBe("signed_out");
    expect(events).toEqual([]);
  });

  test("a session the server says ended, or whose expireAt passed, is forgotten: signed_out", async () => {
    const storage = makeStorage();
    await confirmedThenQuit(storage, "sess_A");
    await bed.sessionEnded("sess_A");
    const cold = launch(storage);
    cold.clerk.loadSignedOut();
    await advance(bed, 2_000);
    expect(latestVerdict(cold.log)).toBe("signed_out");
    expect(await storage.getItem(REMEMBERED_SESSION_KEY)).toBeNull();
    cold.quit();

    await bed.sessionCreated("sess_B", "user_1", {
      expireAt: Date.now() + 60_000,
    });
    const second = launch(storage);
    await second.clerk.signIn("sess_B");
    await advance(bed, 2_000);
    expect(await storage.getItem(REMEMBERED_SESSION_KEY)).toBe("sess_B");
    second.quit();
    await advance(bed, 2 * 60_000, 5_000);
    const later = launch(storage);
    later.clerk.loadSignedOut();
    await advance(bed, 2_000);
    expect(latestVerdict(later.log)).toBe("signed_out");
    expect(events).toEqual([]);
  });
});

test("storage that throws never breaks auth: the app still syncs", async () => {
  const broken: SessionStorage = {
    getItem: () => {
      throw new Error("keychain locked");
    },
    setItem: () => Promise.reject(new Error("disk full")),
    removeItem: () => undefined,
  };
  await confirmedThenQuit(broken, "sess_A");
  const again = launch(broken);
  again.clerk.loadSignedOut();
  await advance(bed, 2_000);
  expect(latestVerdict(again.log)).toBe("signed_out");
});
