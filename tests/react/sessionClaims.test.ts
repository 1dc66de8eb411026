/**
 * The pure parts of the React layer: which claims make Convex fetch a new
 * token, the recovery schedule, and the configuration diagnosis.
 */
import { describe, expect, test } from "vitest";
import {
  diagnoseToken,
  sessionFingerprint,
} from "../../src/react/clerkAuth.js";
import { DEFAULT_RECOVERY, nextStep } from "../../src/react/recoveryPolicy.js";

const base = {
  sub: "user_1",
  sid: "sess_A",
  sts: "active",
  aud: "convex",
  iat: 100,
  exp: 160,
  nbf: 90,
  fva: [0, -1],
  azp: "http://localhost:5173",
  v: 2,
};

describe("sessionFingerprint: an allow-list of claims that describe the session", () => {
  test.each(["iat", "exp", "nbf", "jti", "fva", "azp", "v", "theme"])(
    "a change of %s alone keeps the fingerprint",
    (claim) => {
      expect(sessionFingerprint({ ...base, [claim]: "changed" })).toBe(
        sessionFingerprint(base),
      );
    },
  );

  test.each([
    ["sid", "sess_B"],
    ["sub", "user_2"],
    ["sts", "pending"],
    ["aud", "other"],
    ["org_id", "org_1"],
    ["org_role", "org:admin"],
    ["org_permissions", ["org:a:read"]],
    ["o", { id: "org_1", rol: "admin", per: "read" }],
  ])("a change of %s changes it", (claim, value) => {
    expect(sessionFingerprint({ ...base, [claim]: value })).not.toBe(
      sessionFingerprint(base),
    );
  });

  test("custom claims count only when the app names them", () => {
    const pro = { ...base, plan: "pro" };
    expect(sessionFingerprint(pro)).toBe(sessionFingerprint(base));
    expect(sessionFingerprint(pro, ["plan"])).not.toBe(
      sessionFingerprint(base, ["plan"]),
    );
  });

  test("no claims yet: empty", () => {
    expect(sessionFingerprint(null)).toBe("");
  });
});

describe("nextStep: grace, capped exponential backoff, report, slow retry", () => {
  const options = { ...DEFAULT_RECOVERY, maxBackoffMs: 5_000, maxAttempts: 5 };
  test("waits grow and stop at the cap, then the fast tries end", () => {
    const steps = [0, 1, 2, 3, 4, 5].map((n) => nextStep(n, false, options));
    expect(steps.map((s) => s.delayMs)).toEqual([
      3_000, 2_000, 4_000, 5_000, 5_000, 5_000,
    ]);
    expect(steps.map((s) => s.kind)).toEqual([
      "rebind",
      "rebind",
      "rebind",
      "rebind",
      "rebind",
      "give_up",
    ]);
  });
  test("after giving up: a slow retry", () => {
    expect(nextStep(5, true, options)).toEqual({
      delayMs: 60_000,
      kind: "rebind",
      slow: true,
    });
  });
});

describe("diagnoseToken", () => {
  const jwt = (claims: Record<string, unknown>) =>
    `e30.${btoa(JSON.stringify(claims)).replace(/=+$/, "")}.sig`;
  test("a token without aud convex: TOKEN_AUDIENCE naming the audience", () => {
    expect(diagnoseToken(jwt({ aud: "my-app", sid: "s" }))).toMatchObject({
      code: "TOKEN_AUDIENCE",
      message: expect.stringContaining('"my-app"'),
    });
  });
  test("aud convex without sid: TOKEN_WITHOUT_SID", () => {
    expect(diagnoseToken(jwt({ aud: "convex" }))?.code).toBe(
      "TOKEN_WITHOUT_SID",
    );
  });
  test("a good token, or none: nothing to say", () => {
    expect(diagnoseToken(jwt({ aud: ["convex"], sid: "s" }))).toBeNull();
    expect(diagnoseToken(null)).toBeNull();
    expect(diagnoseToken("not a jwt")).toBeNull();
  });
});
