// @vitest-environment node
/**
 * `convex-clerk-sessions doctor` on fixture apps, one per known
 * misconfiguration, and on Clerk-shaped tokens signed with jose: each
 * problem is found, named in one line with what to do, and sets the exit
 * code; no token or identifying claim value is ever printed. The bin itself
 * runs in doctorBin.test.ts.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { HANDLED_EVENT_TYPES } from "../src/client/webhook/index.js";
import { runDoctor } from "../src/doctor/runDoctor.js";
import { WEBHOOK_EVENTS } from "../src/doctor/webhookSetup.js";
import {
  signClerkToken,
  TEST_ISSUER,
  type ClerkTokenClaims,
} from "../fixtures/syncServer/clerkTokens.js";

const APPS = join(import.meta.dirname, "../fixtures/doctorApps");
const env = { CLERK_JWT_ISSUER_DOMAIN: TEST_ISSUER };
const session: ClerkTokenClaims = {
  sub: "user_2abcSecretSubject",
  sid: "sess_2abcSecretSession",
  sts: "active",
  aud: "convex",
};

function doctor(app: string, token?: string, now?: number) {
  return runDoctor({ appDir: join(APPS, app), token, env, now });
}

const problems = (result: ReturnType<typeof runDoctor>) =>
  result.findings.filter((finding) => finding.level === "problem");

describe("doctor: the app's config", () => {
  test("a healthy app has no problem, and gets its webhook URL and events", () => {
    const result = doctor("healthy");
    expect(problems(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.webhookUrl).toBe(
      "https://happy-otter-123.convex.site/clerk/webhook",
    );
    expect(result.lines).toContain(`  events: ${WEBHOOK_EVENTS.join(", ")}`);
    expect(result.lines.at(-1)).toBe("0 problems, 0 warnings.");
  });

  test("the event list covers every type the route handles", () => {
    for (const type of HANDLED_EVENT_TYPES) {
      expect(WEBHOOK_EVENTS).toContain(type);
    }
  });

  test.each([
    [
      "noAppUse",
      "convex/convex.config.ts",
      /never installs it: add app\.use\(clerkSessions\)/,
    ],
    [
      "routeNotMounted",
      "convex/http.ts",
      /does not mount the webhook route: add registerRoutes/,
    ],
    [
      "noClerkProvider",
      "convex/auth.config.ts",
      /has no Clerk provider: add providers: \[\{ domain: process\.env\.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" \}\]/,
    ],
    [
      "wrongApplicationId",
      "convex/auth.config.ts",
      /applicationID is "my-app".*set applicationID: "convex"/,
    ],
  ])("%s: one problem, in %s, with what to do", (app, subject, message) => {
    const result = doctor(app);
    expect(problems(result)).toEqual([
      { level: "problem", subject, message: expect.stringMatching(message) },
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("a hard-coded issuer, or another variable than CLERK_JWT_ISSUER_DOMAIN, is a warning: the verifier would not know Clerk's tokens", () => {
    const hardCoded = doctor("issuerHardCoded");
    expect(hardCoded.exitCode).toBe(0);
    expect(hardCoded.lines).toContainEqual(
      expect.stringMatching(
        /^warning {2}convex\/auth\.config\.ts: the issuer https:\/\/clerk\.test\.example is hard-coded.*use domain: process\.env\.CLERK_JWT_ISSUER_DOMAIN/,
      ),
    );
    const other = doctor("issuerOtherVariable");
    expect(other.lines).toContainEqual(
      expect.stringMatching(
        /the issuer comes from CLERK_ISSUER_URL, but this package's verifier reads CLERK_JWT_ISSUER_DOMAIN/,
      ),
    );
  });

  test("the issuer variable unset here is a warning, and a token's issuer is then only shown", async () => {
    const token = await signClerkToken(session);
    const result = runDoctor({ appDir: join(APPS, "healthy"), token, env: {} });
    expect(result.exitCode).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^warning {2}CLERK_JWT_ISSUER_DOMAIN: not set in the environment, \.env\.local or \.env/,
      ),
    );
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^warning {2}token: its issuer is https:\/\/clerk\.test\.example; .* make sure CLERK_JWT_ISSUER_DOMAIN on the deployment is/,
      ),
    );
  });

  test("convex.json's functions folder, an aliased registerRoutes and its path option are followed", () => {
    const result = doctor("customPath");
    expect(problems(result)).toEqual([]);
    expect(result.lines[0]).toMatch(
      /^ok {7}src\/backend\/convex\.config\.ts: uses the component/,
    );
    expect(result.webhookUrl).toBe(
      "https://calm-heron-456.convex.site/hooks/clerk",
    );
  });

  test("a missing folder reports each file as not found", () => {
    const result = runDoctor({ appDir: join(APPS, "nowhere"), env });
    expect(problems(result).map((finding) => finding.subject)).toEqual([
      "convex/convex.config.ts",
      "convex/http.ts",
      "convex/auth.config.ts",
    ]);
    expect(result.webhookUrl).toBe(
      "https://<deployment>.convex.site/clerk/webhook",
    );
  });
});

describe("doctor: a token", () => {
  test("a Clerk Convex-integration token is accepted and usable", async () => {
    const result = doctor("healthy", await signClerkToken(session));
    expect(problems(result)).toEqual([]);
    const tokenLines = result.lines.filter((line) => line.includes(" token: "));
    expect(tokenLines).toEqual([
      "ok       token: its issuer https://clerk.test.example matches auth.config.ts",
      'ok       token: its audience includes "convex"',
      expect.stringMatching(/^ok {7}token: not expired \((59|60) s left\)$/),
      "ok       token: has sid: whoami and the verifier tie it to its Clerk session",
      "ok       token: is a v2 session token (v: 2)",
      "ok       token: its session status (sts) is active",
      "info     token: has no active organization",
    ]);
  });

  test.each([
    [
      "without aud convex",
      { ...session, aud: "my-app" },
      /its audience is "my-app", not "convex", so Convex refuses it: turn on Clerk's Convex integration/,
    ],
    [
      "of the legacy template (no sid, no v)",
      { sub: session.sub, aud: "convex", v: undefined },
      /has no sid claim, as the legacy "convex" JWT template issues/,
    ],
  ])("a token %s is a problem", async (_, claims, message) => {
    const result = doctor("healthy", await signClerkToken(claims));
    expect(problems(result)).toEqual([
      {
        level: "problem",
        subject: "token",
        message: expect.stringMatching(message),
      },
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("a token of another issuer is refused by Convex, and says which to set", async () => {
    const token = await signClerkToken(session, {
      issuer: "https://clerk.other.example",
    });
    expect(problems(doctor("healthy", token))).toEqual([
      {
        level: "problem",
        subject: "token",
        message: expect.stringMatching(
          /its issuer https:\/\/clerk\.other\.example is not auth\.config\.ts's domain https:\/\/clerk\.test\.example, so Convex refuses it: set CLERK_JWT_ISSUER_DOMAIN/,
        ),
      },
    ]);
  });

  test("a token with aud convex is refused where auth.config.ts expects another applicationID", async () => {
    const result = doctor("wrongApplicationId", await signClerkToken(session));
    expect(problems(result).map((finding) => finding.message)).toContainEqual(
      'its audience is "convex", but auth.config.ts expects "my-app", so Convex refuses it: set applicationID: "convex"',
    );
  });

  test("an expired token says how long ago and to paste a fresh one", async () => {
    const token = await signClerkToken(session);
    const result = doctor("healthy", token, Date.now() + 5 * 60_000);
    expect(problems(result)).toEqual([
      {
        level: "problem",
        subject: "token",
        message: expect.stringMatching(
          /^expired 2[34]\d s ago, so Convex refuses it: .*paste a fresh one/,
        ),
      },
    ]);
  });

  test("a pending session is a warning: the verifier refuses it unless pending sessions are allowed", async () => {
    const result = doctor(
      "healthy",
      await signClerkToken({ ...session, sts: "pending" }),
    );
    expect(result.exitCode).toBe(0);
    expect(result.lines).toContainEqual(
      expect.stringMatching(
        /^warning {2}token: its session is pending \(sts\): the verifier refuses it with SESSION_PENDING/,
      ),
    );
  });

  test("v1 and v2 organization claims are both recognised", async () => {
    const v1 = await signClerkToken({
      ...session,
      v: undefined,
      org_id: "org_secretOne",
      org_role: "org:admin",
      org_slug: "acme",
      org_permissions: ["org:posts:edit"],
    });
    const v2 = await signClerkToken({
      ...session,
      o: {
        id: "org_secretTwo",
        rol: "admin",
        per: "posts:edit",
        slg: "acme",
      } as ClerkTokenClaims["o"],
    });
    expect(doctor("healthy", v1).lines).toContain(
      "ok       token: carries v1 organization claims (org_id, org_role, org_slug, org_permissions): the verifier checks the membership",
    );
    expect(doctor("healthy", v2).lines).toContain(
      "ok       token: carries v2 organization claims (o.id, o.rol, o.per, o.slg): the verifier checks the membership",
    );
    const broken = await signClerkToken({
      ...session,
      o: { rol: "admin" } as never,
    });
    expect(problems(doctor("healthy", broken))[0]?.message).toMatch(
      /an o claim without o\.id/,
    );
  });

  test("what is not a JWT is a problem", () => {
    expect(problems(doctor("healthy", "not-a-token"))[0]?.message).toMatch(
      /is not a JWT/,
    );
  });

  test("no token, subject, session or organization id is ever printed", async () => {
    const token = await signClerkToken({
      ...session,
      o: { id: "org_secretTwo", rol: "admin" },
      act: { sub: "user_secretAdmin" },
    });
    const text = doctor("healthy", token).lines.join("\n");
    for (const secret of [
      token,
      token.split(".")[1] ?? "",
      session.sub,
      session.sid ?? "",
      "org_secretTwo",
      "user_secretAdmin",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toMatch(/impersonation \(act claim\)/);
  });
});
