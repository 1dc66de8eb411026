// @vitest-environment jsdom
/**
 * The Frontend API stand-in against Clerk's real clerk-js: it loads
 * `ready` from it over HTTP on 127.0.0.1, signs in and up, switches session
 * and organization, and the tokens it mints are ones the sync server (and
 * so Convex's auth config) accepts, with Clerk's v2 session-token claims.
 */
import { cleanup, render } from "@testing-library/react";
import { decodeJwt } from "jose";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { Clerk } from "@clerk/clerk-js";
import {
  advance,
  App,
  latestVerdict,
  newAppLog,
  queries,
  startBed,
  stopBed,
} from "../../fixtures/react/harness.js";
import {
  signInAs,
  signUpAs,
  useClerkAuth,
  WithClerk,
} from "../../fixtures/react/realClerk.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import { ConvexProviderWithClerkSessions } from "../../src/react/index.js";

let bed: TestBed;
let clerk: Clerk;
beforeEach(async () => {
  bed = await startBed();
  clerk = bed.newClerk();
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

function mount() {
  const log = newAppLog();
  render(
    <WithClerk clerk={clerk} fapi={bed.fapi}>
      <ConvexProviderWithClerkSessions
        client={bed.client("ours")}
        useAuth={useClerkAuth}
        queries={queries}
      >
        <App log={log} useAuth={useClerkAuth} />
      </ConvexProviderWithClerkSessions>
    </WithClerk>,
  );
  return log;
}

const lastToken = () => clerk.session?.lastActiveToken?.getRawString() ?? "";

test("clerk-js loads ready from the stand-in, signs in through signIn.create and setActive, and Convex confirms the token it hands over", async () => {
  const log = mount();
  await advance(bed, 1_000);
  expect(clerk.status).toBe("ready");
  expect(latestVerdict(log)).toBe("signed_out");
  expect(bed.fapi.requests.slice(0, 3)).toEqual([
    "POST /dev_browser",
    "PATCH /environment",
    "GET /client",
  ]);

  await signInAs(clerk, bed.fapi, "user_1", "sess_A");
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");
  expect(log.syncs.at(-1)?.convexSessionId).toBe("sess_A");
  expect(bed.server.events).toContainEqual(
    expect.objectContaining({ kind: "confirmed", sessionId: "sess_A" }),
  );
  expect(log.authStates).toEqual([false, true]);
});

test("the session token carries Clerk's v2 claims, and o with the active organization after setActive({ organization })", async () => {
  bed.fapi.store.addUser("user_1");
  bed.fapi.store.addMembership("user_1", "org_acme", "org:admin", [
    "org:sys_profile:manage",
  ]);
  mount();
  await advance(bed, 1_000);
  await signInAs(clerk, bed.fapi, "user_1", "sess_A");
  await advance(bed, 1_000);
  const claims = decodeJwt(lastToken());
  expect(claims).toMatchObject({
    sub: "user_1",
    sid: "sess_A",
    sts: "active",
    v: 2,
    aud: "convex",
    azp: "http://localhost:3000",
    fva: [0, -1],
  });
  expect(claims.exp! - claims.iat!).toBe(60);
  expect(claims.nbf).toBeLessThanOrEqual(claims.iat!);
  expect(claims.o).toBeUndefined();

  await clerk.setActive({ organization: "org_acme" });
  await advance(bed, 1_000);
  expect(clerk.organization?.id).toBe("org_acme");
  expect(decodeJwt(lastToken()).o).toEqual({
    id: "org_acme",
    rol: "admin",
    slg: "acme",
    per: "org:sys_profile:manage",
  });
});

test("sign-up while mounted, then a second session of the same client and a switch back (multi-session)", async () => {
  const log = mount();
  await advance(bed, 1_000);
  const { userId } = await signUpAs(
    clerk,
    bed.fapi,
    "new@example.com",
    "sess_new",
  );
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");
  expect(log.syncs.at(-1)).toMatchObject({ convexSessionId: "sess_new" });
  expect(userId).toMatch(/^user_/);

  await signInAs(clerk, bed.fapi, "user_2", "sess_B");
  await advance(bed, 2_000);
  expect(clerk.client?.signedInSessions.map((s) => s.id)).toEqual([
    "sess_new",
    "sess_B",
  ]);
  expect(log.syncs.at(-1)).toMatchObject({ convexSessionId: "sess_B" });

  await clerk.setActive({ session: "sess_new" });
  await advance(bed, 2_000);
  expect(latestVerdict(log)).toBe("in_sync");
  expect(log.syncs.at(-1)).toMatchObject({ convexSessionId: "sess_new" });
  // clerk-js 6 switches without a touch: the token of the session it switched to is minted.
  expect(bed.fapi.requests.at(-1)).toBe(
    "POST /client/sessions/sess_new/tokens",
  );
});

test("the convex template answers 404 as with Clerk's Convex integration; CORS preflight is answered", async () => {
  mount();
  await advance(bed, 1_000);
  await signInAs(clerk, bed.fapi, "user_1", "sess_A");
  await expect(clerk.session!.getToken({ template: "convex" })).rejects.toThrow(
    /No JWT template exists with name: convex/,
  );
  const preflight = await fetch(`${bed.fapi.proxyUrl}/v1/client`, {
    method: "OPTIONS",
    headers: {
      origin: "http://localhost:3000",
      "access-control-request-method": "POST",
    },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get("access-control-allow-origin")).toBe(
    "http://localhost:3000",
  );
  expect(preflight.headers.get("access-control-allow-credentials")).toBe(
    "true",
  );
});
