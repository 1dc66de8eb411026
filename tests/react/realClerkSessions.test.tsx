// @vitest-environment jsdom
/**
 * Session changes made through Clerk's real clerk-js (`@clerk/react`'s
 * `ClerkProvider` over the Frontend API stand-in), with convex 1.34.1's
 * stock provider, the current stock provider and ours side by side on the
 * same Clerk: the seed report (sign-out, sign-in again), sign-up while
 * mounted, a switch of session in one client, a switch of organization.
 */
import type { Clerk } from "@clerk/clerk-js";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  advance,
  drive,
  startBed,
  stopBed,
} from "../../fixtures/react/harness.js";
import { signInAs, signUpAs } from "../../fixtures/react/realClerk.js";
import {
  mountSideBySide,
  verdicts,
  type SideBySide,
} from "../../fixtures/react/sideBySide.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";

let bed: TestBed;
let clerk: Clerk;
beforeEach(async () => {
  bed = await startBed();
  clerk = bed.newClerk();
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

const TEN_MINUTES = 10 * 60_000;

/** Mounted, Clerk loaded `ready`, signed in as `userId` in `sessionId`. */
async function mountedSignedIn(userId: string, sessionId: string) {
  const apps = mountSideBySide(bed, clerk);
  await advance(bed, 1_000);
  expect(clerk.status).toBe("ready");
  await drive(bed, () => signInAs(clerk, bed.fapi, userId, sessionId));
  await advance(bed, 2_000);
  return apps;
}

const templateAsks = () => bed.fapi.count(/\/tokens\/convex$/);

/** The claims of the token Convex holds on the connection of `label`. */
const heldClaims = (label: string) =>
  bed.server.openConnections().find((c) => c.label === label)?.identity?.claims;

describe("a. the seed: sign in, sign out, sign in again", () => {
  test.each([
    ["the same user", "user_1"],
    ["another user", "user_2"],
  ])(
    "as %s: 1.34.1's stock provider stays unauthenticated for good, named within one query round trip; ours converges without remounting the app",
    { timeout: 60_000 },
    async (_who, nextUser) => {
      bed.server.latencyMs = 40;
      const apps = await mountedSignedIn("user_1", "sess_A");
      expect(verdicts(apps)).toEqual({
        // 1.34.1 asks for the "convex" JWT template, which an instance on
        // Clerk's Convex integration does not have (404).
        preFix: "convex_unauthenticated",
        stock: "in_sync",
        ours: "in_sync",
      });
      await drive(bed, () => clerk.signOut());
      await advance(bed, 2_000);
      expect(verdicts(apps)).toEqual({
        preFix: "signed_out",
        stock: "signed_out",
        ours: "signed_out",
      });

      await drive(bed, () => signInAs(clerk, bed.fapi, nextUser, "sess_B"));
      // One query round trip: the verdict for session B is in.
      await advance(bed, 100, 20);
      expect(apps.preFix.syncs.at(-1)).toMatchObject({
        verdict: "convex_unauthenticated",
        clerkSessionId: "sess_B",
      });
      await advance(bed, 2_000);
      expect(apps.ours.syncs.at(-1)).toMatchObject({
        verdict: "in_sync",
        convexSessionId: "sess_B",
      });
      expect(heldClaims("ours")).toMatchObject({
        sid: "sess_B",
        sub: nextUser,
      });

      const asked = templateAsks();
      await advance(bed, TEN_MINUTES, 5_000);
      // It asked twice, got 404 each time, and never asks again.
      expect(templateAsks()).toBe(asked);
      expect(verdicts(apps)).toEqual({
        preFix: "convex_unauthenticated",
        stock: "in_sync",
        ours: "in_sync",
      });
      expect(apps.preFix.authStates.at(-1)).toBe(false);
      expect(apps.appMounts.ours).toBe(1);
      expect(apps.events).toEqual([]);
    },
  );
});

describe("b. sign-up while mounted", () => {
  test("the new user's first session reaches Convex through ours and the current stock provider; 1.34.1 stays unauthenticated", async () => {
    const apps = mountSideBySide(bed, clerk);
    await advance(bed, 1_000);
    const { userId } = await drive(bed, () =>
      signUpAs(clerk, bed.fapi, "new@example.com", "sess_new"),
    );
    await advance(bed, 2_000);
    expect(apps.ours.syncs.at(-1)).toMatchObject({
      verdict: "in_sync",
      convexSessionId: "sess_new",
    });
    expect(heldClaims("ours")).toMatchObject({ sub: userId, sid: "sess_new" });
    await advance(bed, 5 * 60_000, 5_000);
    expect(verdicts(apps)).toEqual({
      preFix: "convex_unauthenticated",
      stock: "in_sync",
      ours: "in_sync",
    });
    expect(apps.ours.authDrops).toBe(0);
    expect(apps.events).toEqual([]);
  });
});

describe("c. a switch to another session of the same client (multi-session)", () => {
  test("Convex follows each setActive to the session Clerk made current, without remounting ours", async () => {
    const apps = await mountedSignedIn("user_1", "sess_A");
    await drive(bed, () => signInAs(clerk, bed.fapi, "user_2", "sess_B"));
    await advance(bed, 2_000);
    expect(clerk.client?.signedInSessions.map((s) => s.id)).toEqual([
      "sess_A",
      "sess_B",
    ]);
    expect(apps.ours.syncs.at(-1)).toMatchObject({
      verdict: "in_sync",
      convexSessionId: "sess_B",
    });
    await drive(bed, () => clerk.setActive({ session: "sess_A" }));
    await advance(bed, 2_000);
    expect(apps.ours.syncs.at(-1)).toMatchObject({
      verdict: "in_sync",
      convexSessionId: "sess_A",
    });
    expect(heldClaims("ours")).toMatchObject({ sub: "user_1", sid: "sess_A" });
    expect(heldClaims("stock")).toMatchObject({ sub: "user_1", sid: "sess_A" });
    await advance(bed, 5 * 60_000, 5_000);
    expect(verdicts(apps)).toEqual({
      preFix: "convex_unauthenticated",
      stock: "in_sync",
      ours: "in_sync",
    });
    expect(apps.appMounts.ours).toBe(1);
    expect(apps.events).toEqual([]);
  });
});

describe("d. a switch of organization", () => {
  async function withTwoOrgs(): Promise<SideBySide> {
    bed.fapi.store.addUser("user_1");
    bed.fapi.store.addMembership("user_1", "org_one", "org:admin");
    bed.fapi.store.addMembership("user_1", "org_two", "org:member");
    return await mountedSignedIn("user_1", "sess_A");
  }

  test("the token's o claim changes with setActive({ organization }) and Convex gets the new token, each time", async () => {
    const apps = await withTwoOrgs();
    expect(heldClaims("ours")?.o).toBeUndefined();
    for (const [orgId, rol] of [
      ["org_one", "admin"],
      ["org_two", "member"],
    ] as const) {
      await drive(bed, () => clerk.setActive({ organization: orgId }));
      await advance(bed, 2_000);
      expect(clerk.organization?.id).toBe(orgId);
      expect(heldClaims("ours")?.o).toMatchObject({ id: orgId, rol });
      expect(heldClaims("stock")?.o).toMatchObject({ id: orgId, rol });
    }
    await drive(bed, () => clerk.setActive({ organization: null }));
    await advance(bed, 2_000);
    expect(heldClaims("ours")?.o).toBeUndefined();
    expect(verdicts(apps)).toMatchObject({ stock: "in_sync", ours: "in_sync" });
    expect(apps.appMounts.ours).toBe(1);
    expect(apps.events).toEqual([]);
  });
});
