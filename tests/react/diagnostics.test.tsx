// @vitest-environment jsdom
/**
 * useSessionDiagnostics() on convex's real ConvexReactClient over the sync
 * server: the timeline records what each side did, in order, and report()
 * carries no token, key or claim value.
 */
import { cleanup, render } from "@testing-library/react";
import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  advance,
  App,
  newAppLog,
  queries,
  Report,
  startBed,
  stopBed,
} from "../../fixtures/react/harness.js";
import { TEST_SECRET } from "../../fixtures/svixDelivery.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";
import {
  ConvexProviderWithClerkSessions,
  useSessionDiagnostics,
  type DiagnosticsEntry,
  type SessionDiagnostics,
} from "../../src/react/index.js";

let bed: TestBed;
let diagnostics: SessionDiagnostics | undefined;

beforeEach(async () => {
  bed = await startBed();
  diagnostics = undefined;
});
afterEach(async () => {
  await stopBed(bed, cleanup);
});

function mount(withQueries = true) {
  const log = newAppLog();
  render(
    <ConvexProviderWithClerkSessions
      client={bed.client("ours")}
      useAuth={bed.clerk.useAuth}
      {...(withQueries ? { queries } : {})}
      recovery={{ gracePeriodMs: 1_000 }}
    >
      <App log={log} useAuth={bed.clerk.useAuth}>
        <Report
          use={useSessionDiagnostics}
          to={(value) => {
            diagnostics = value;
          }}
        />
      </App>
    </ConvexProviderWithClerkSessions>,
  );
}

const timeline = () => diagnostics?.timeline ?? [];
function entries<K extends DiagnosticsEntry["kind"]>(kind: K) {
  return timeline().filter(
    (entry): entry is Extract<DiagnosticsEntry, { kind: K }> =>
      entry.kind === kind,
  );
}
const verdicts = () => entries("verdict").map((entry) => entry.verdict);

const ORG = { id: "org_2secretOrgId", role: "org:admin" };
const CUSTOM = { plan: "plan-secret-gold", tenant: "tenant-secret-42" };

async function signIn(sessionId: string) {
  await bed.sessionCreated(sessionId, "user_2secretUser");
  await bed.clerk.signIn(sessionId, {
    userId: "user_2secretUser",
    org: ORG,
    custom: CUSTOM,
  });
}

describe("the timeline", () => {
  test("records Clerk, convex, the token fetch, the server's record and the verdict, newest last", async () => {
    mount();
    await advance(bed, 500);
    await signIn("sess_A");
    await advance(bed, 2_000);

    const clerk = entries("clerk");
    expect(clerk[0]).toMatchObject({ isLoaded: false });
    expect(clerk.at(-1)).toMatchObject({
      isLoaded: true,
      isSignedIn: true,
      sessionId: "sess_A",
      orgId: ORG.id,
    });
    expect(entries("convex").at(-1)).toMatchObject({
      isLoading: false,
      isAuthenticated: true,
      connected: true,
    });
    const [fetch] = entries("token_fetch");
    expect(fetch).toMatchObject({
      outcome: "token",
      changedClaims: null,
      error: null,
    });
    expect(fetch?.durationMs).toBeGreaterThanOrEqual(0);
    expect(entries("server").at(-1)).toMatchObject({
      authenticated: true,
      convexSessionId: "sess_A",
      convexSessionStatus: "active",
      clerkSessionStatus: "active",
    });
    expect(verdicts().at(-1)).toBe("in_sync");
    expect(diagnostics?.sides).toMatchObject({
      verdict: "in_sync",
      clerk: { sessionId: "sess_A" },
      server: { convexSessionId: "sess_A" },
      recovery: { status: "idle" },
    });
    const times = timeline().map((entry) => entry.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test("a sign-out and a sign-in show as they happen, and the new token names the claims that changed", async () => {
    await signIn("sess_A");
    mount();
    await advance(bed, 2_000);
    bed.clerk.signOut();
    await bed.sessionEnded("sess_A", "user_2secretUser");
    await advance(bed, 2_000);
    expect(entries("clerk").at(-1)).toMatchObject({ isSignedIn: false });
    expect(verdicts().at(-1)).toBe("signed_out");
    await signIn("sess_B");
    await advance(bed, 2_000);
    expect(verdicts()).toEqual([
      "loading",
      "in_sync",
      "convex_stale_session",
      "signed_out",
      "loading",
      "in_sync",
    ]);
    const changes = entries("token_fetch").map((f) => f.changedClaims);
    expect(changes[0]).toBeNull();
    expect(changes).toContainEqual(["sid"]);
    expect(entries("server").at(-1)).toMatchObject({
      convexSessionId: "sess_B",
    });
  });

  test("a token fetch that fails is recorded with its error, and recovery's steps follow", async () => {
    bed.clerk.failNextFetches(2);
    await signIn("sess_A");
    mount();
    await advance(bed, 4_000);
    const failed = entries("token_fetch").find((f) => f.outcome === "error");
    expect(failed).toMatchObject({ error: "Network request failed" });
    const steps = entries("recovery").map((entry) => entry.action);
    expect(steps).toContain("rebind");
    expect(steps.at(-1)).toBe("recovered");
    expect(verdicts().at(-1)).toBe("in_sync");
  });

  test("a configuration refusal shows as the verdict, the give-up and its code", async () => {
    // Clerk's Convex integration off, a "convex" template of another audience.
    bed.clerk.template = { exists: true, aud: "my-app" };
    await bed.sessionCreated("sess_A");
    await bed.clerk.signIn("sess_A", { aud: null });
    mount();
    await advance(bed, 10_000);
    expect(verdicts()).toContain("convex_unauthenticated");
    expect(entries("recovery").at(-1)).toMatchObject({
      action: "gave_up",
      errorCode: "TOKEN_AUDIENCE",
    });
    expect(diagnostics?.sides.recovery).toMatchObject({
      status: "gave_up",
      errorCode: "TOKEN_AUDIENCE",
    });
  });

  test("without queries it still records Clerk, convex and the fetches", async () => {
    await signIn("sess_A");
    mount(false);
    await advance(bed, 2_000);
    expect(entries("token_fetch").length).toBeGreaterThan(0);
    expect(entries("convex").at(-1)).toMatchObject({ isAuthenticated: true });
    expect(diagnostics?.sides).toMatchObject({ server: null, verdict: null });
  });
});

describe("report()", () => {
  test("tells the story in words, with ids as labels and no token, key or claim value", async () => {
    await signIn("sess_A");
    mount();
    await advance(bed, 2_000);
    bed.clerk.signOut();
    await bed.sessionEnded("sess_A", "user_2secretUser");
    await advance(bed, 2_000);
    bed.clerk.failNextFetches(1);
    await signIn("sess_B");
    await advance(bed, 8_000);

    const report = diagnostics?.report() ?? "";
    expect(report).toMatch(/clerk {5}signed in, session A, org A/);
    expect(report).toMatch(/clerk {5}signed out/);
    expect(report).toMatch(/clerk {5}signed in, session B, org A/);
    expect(report).toMatch(
      /token {5}fetch \(.*\): token in \d+ ms; first token/,
    );
    expect(report).toMatch(
      /token {5}fetch \(.*\): failed: Network request failed/,
    );
    expect(report).toMatch(/verdict {3}in_sync -> convex_stale_session/);
    expect(report).toMatch(/verdict {3}convex_stale_session -> signed_out/);
    expect(report).toMatch(/server {4}whoami session B \(active\)/);

    const tokens = bed.clerk.tokensIssued.filter(
      (token): token is string => token !== null,
    );
    expect(tokens.length).toBeGreaterThan(1);
    const claimValues = tokens.flatMap((token) =>
      Object.entries(decodeJwt(token))
        .filter(([name]) => !["v", "sts", "aud"].includes(name))
        .flatMap(([, value]) =>
          typeof value === "object" && value !== null
            ? Object.values(value).map(String)
            : [String(value)],
        ),
    );
    const secrets = [
      ...tokens,
      ...tokens.flatMap((token) => token.split(".")),
      ...claimValues,
      "sess_A",
      "sess_B",
      TEST_SECRET,
    ];
    for (const secret of new Set(secrets)) {
      if (secret.length < 4) continue; // fva's minutes, a role's "admin" is longer
      expect(report, secret).not.toContain(secret);
    }
    expect(claimValues).toEqual(
      expect.arrayContaining([
        ORG.id,
        CUSTOM.plan,
        CUSTOM.tenant,
        "user_2secretUser",
      ]),
    );
    const timelineText = JSON.stringify(timeline());
    for (const token of tokens) expect(timelineText).not.toContain(token);
    expect(timelineText).not.toContain(CUSTOM.plan);
  });
});
