// @vitest-environment node
/**
 * The doctor's bin as a child process: the token read from stdin, the report
 * on stdout, and the exit code (0 healthy, 1 on a problem, 2 on misuse).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  signClerkToken,
  TEST_ISSUER,
} from "../fixtures/syncServer/clerkTokens.js";

const APPS = join(import.meta.dirname, "../fixtures/doctorApps");
const env = { CLERK_JWT_ISSUER_DOMAIN: TEST_ISSUER };
const session = {
  sub: "user_2abc",
  sid: "sess_2abc",
  sts: "active",
  aud: "convex",
};

/** Runs the bin's source as `npx convex-clerk-sessions doctor` would run the build. */
function runBin(args: string[], stdin: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        join(import.meta.dirname, "../node_modules/.bin/tsx"),
        [join(import.meta.dirname, "../src/doctor/cli.ts"), ...args],
        { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += String(chunk)));
      child.stderr.on("data", (chunk: Buffer) => (stderr += String(chunk)));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    },
  );
}

describe("doctor: the bin", () => {
  test("reads the token from stdin, prints the report and exits 0 on a healthy app", async () => {
    const token = await signClerkToken(session);
    const { code, stdout } = await runBin(
      ["doctor", "--dir", join(APPS, "healthy"), "--token", "-"],
      `${token}\n`,
    );
    expect(stdout).toContain("ok       token: has sid");
    expect(stdout).not.toContain(token);
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("0 problems, 0 warnings.");
    expect(code).toBe(0);
  });

  test("exits 1 on a problem, and 2 on a wrong command", async () => {
    const broken = await runBin(
      ["doctor", `--dir=${join(APPS, "routeNotMounted")}`],
      "",
    );
    expect(broken.stdout).toMatch(
      /problem {2}convex\/http\.ts: does not mount the webhook route/,
    );
    expect(broken.code).toBe(1);
    const wrong = await runBin(["doctr"], "");
    expect(wrong.stderr).toMatch(/^usage: convex-clerk-sessions doctor/);
    expect(wrong.code).toBe(2);
  });
});
