/**
 * The doctor: checks an app's Convex setup for this package offline, and a
 * Clerk session token against it when given one.
 */
import { readApp } from "./appFiles.js";
import { checkAuthConfig } from "./authConfigCheck.js";
import { formatFinding, formatTally, info, type Finding } from "./findings.js";
import { checkConvexConfig, checkHttp } from "./setupChecks.js";
import { checkToken } from "./tokenCheck.js";
import { WEBHOOK_EVENTS, webhookSetup } from "./webhookSetup.js";

export type DoctorOptions = {
  /** The app directory (where `convex/` or `convex.json` is). */
  appDir: string;
  /** A Clerk session token to check; decoded locally, never sent. */
  token?: string | null;
  /** Where variables are looked up first (the shell's environment). */
  env?: Record<string, string | undefined>;
  now?: number;
};

export type DoctorResult = {
  findings: Finding[];
  webhookUrl: string;
  /** What the doctor prints. */
  lines: string[];
  /** 1 when any finding is a problem. */
  exitCode: 0 | 1;
};

/**
 * Runs every check and renders the report.
 *
 * @example
 * const { lines, exitCode } = runDoctor({ appDir: process.cwd(), token });
 * console.log(lines.join("\n"));
 */
export function runDoctor(options: DoctorOptions): DoctorResult {
  const app = readApp(options.appDir, options.env ?? {});
  const http = checkHttp(app.http, app.functionsDir);
  const auth = checkAuthConfig(app);
  const findings: Finding[] = [
    ...checkConvexConfig(app.convexConfig, app.functionsDir),
    ...http.findings,
    ...auth.findings,
  ];
  if (options.token) {
    findings.push(
      ...checkToken(options.token, auth.issuer, options.now ?? Date.now()),
    );
  } else {
    findings.push(
      info(
        "token",
        "none given: pass one with --token - (read from stdin) to check it against this config",
      ),
    );
  }
  const webhook = webhookSetup(app, http.webhookPath);
  const lines = [
    ...findings.map(formatFinding),
    "",
    "Clerk dashboard, Webhooks, Add Endpoint:",
    `  URL: ${webhook.url}${webhook.from ? "" : " (no CONVEX_SITE_URL or CONVEX_URL found: use your deployment's)"}`,
    `  events: ${WEBHOOK_EVENTS.join(", ")}`,
    "  then: npx convex env set CLERK_WEBHOOK_SIGNING_SECRET whsec_... (the endpoint's signing secret)",
    "",
    formatTally(findings),
  ];
  return {
    findings,
    webhookUrl: webhook.url,
    lines,
    exitCode: findings.some((finding) => finding.level === "problem") ? 1 : 0,
  };
}
