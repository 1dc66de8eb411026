// @vitest-environment node
/**
 * The README's "Diagnosing a stuck state" shows the doctor's real output:
 * on the healthy fixture app with a Convex-integration token, and on a
 * broken one with a legacy template token.
 */
import { join } from "node:path";
import { decodeJwt } from "jose";
import { expect, test } from "vitest";
import readme from "../README.md?raw";
import { runDoctor } from "../src/doctor/runDoctor.js";
import {
  signClerkToken,
  TEST_ISSUER,
} from "../fixtures/syncServer/clerkTokens.js";

const HEADING = "## Diagnosing a stuck state";
const APPS = join(import.meta.dirname, "../fixtures/doctorApps");

function sectionBlocks(): string[] {
  const start = readme.indexOf(`\n${HEADING}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```text\n([\s\S]*?)```/g)].map(
    (m) => m[1] ?? "",
  );
}

/** The doctor's lines for an app and a token, 15 s into the token's life. */
async function output(
  app: string,
  claims: Parameters<typeof signClerkToken>[0],
) {
  const token = await signClerkToken(claims);
  const issuedAt = (decodeJwt(token).iat ?? 0) * 1000;
  return runDoctor({
    appDir: join(APPS, app),
    token,
    env: { CLERK_JWT_ISSUER_DOMAIN: TEST_ISSUER },
    now: issuedAt + 15_000,
  }).lines;
}

export const README_RUNS = {
  healthy: () =>
    output("healthy", {
      sub: "user_1",
      sid: "sess_1",
      sts: "active",
      aud: "convex",
      o: { id: "org_1", rol: "admin", per: "posts:edit" },
    }),
  broken: () =>
    output("wrongApplicationId", {
      sub: "user_1",
      aud: "convex",
      v: undefined,
    }),
};

test("shows the doctor's output for a healthy and a broken app, as it prints them", async () => {
  const [healthy, broken] = sectionBlocks();
  const command = "$ npx convex-clerk-sessions doctor --token - < token.txt";
  expect(healthy).toBe(
    `${command}\n${(await README_RUNS.healthy()).join("\n")}\n`,
  );
  expect(broken).toBe(
    `${command}\n${(await README_RUNS.broken()).join("\n")}\n`,
  );
});
