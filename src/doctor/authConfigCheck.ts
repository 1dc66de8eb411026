/**
 * Checks `auth.config.ts`: a Clerk provider with `applicationID: "convex"`
 * whose `domain` is the `CLERK_JWT_ISSUER_DOMAIN` env var, and finds the
 * issuer it names so a token can be compared with it.
 */
import type { AppFiles } from "./appFiles.js";
import { info, ok, problem, warning, type Finding } from "./findings.js";
import {
  enclosed,
  objectProperties,
  splitTopLevel,
  stringLiteral,
  stripComments,
} from "./sourceReader.js";

export const ISSUER_VARIABLE = "CLERK_JWT_ISSUER_DOMAIN";
export const CONVEX_APPLICATION_ID = "convex";

/** Where the Clerk provider's issuer comes from, and its value when the doctor can read it. */
export type ConfiguredIssuer = {
  /** The env var the domain is read from, or null for a hard-coded one. */
  variable: string | null;
  /** The issuer URL, or null when it cannot be read here. */
  value: string | null;
  /** The provider's `applicationID`, the audience Convex requires; null when not a plain string. */
  audience: string | null;
};

export type AuthConfigCheck = {
  findings: Finding[];
  /** Null when no Clerk provider was found. */
  issuer: ConfiguredIssuer | null;
};

const PROVIDER_SNIPPET = `{ domain: process.env.${ISSUER_VARIABLE}, applicationID: "${CONVEX_APPLICATION_ID}" }`;

function envVariable(expression: string): string | null {
  const match =
    /^process\.env(?:\.([A-Za-z_][\w]*)|\[\s*(["'])([A-Za-z_][\w]*)\2\s*\])\s*!?(?:\s+as\s+string)?$/.exec(
      expression.trim(),
    );
  return match?.[1] ?? match?.[3] ?? null;
}

/** A provider is Clerk's when its domain says so or it expects Clerk's Convex audience. */
function looksLikeClerk(properties: Map<string, string>): boolean {
  const domain = properties.get("domain") ?? "";
  const applicationID = stringLiteral(properties.get("applicationID") ?? "");
  return /clerk/i.test(domain) || applicationID === CONVEX_APPLICATION_ID;
}

export function checkAuthConfig(app: AppFiles): AuthConfigCheck {
  const file = app.authConfig;
  const subject = file?.path ?? `${app.functionsDir}/auth.config.ts`;
  const missing = (why: string): AuthConfigCheck => ({
    findings: [
      problem(subject, `${why}: add providers: [${PROVIDER_SNIPPET}]`),
    ],
    issuer: null,
  });
  if (file === null) return missing("not found, so Convex accepts no token");
  const source = stripComments(file.source);
  const open = /providers\s*:\s*\[/.exec(source);
  const list = open ? enclosed(source, open.index + open[0].length - 1) : null;
  if (list === null)
    return missing("has no providers list the doctor can read");
  const providers = splitTopLevel(list)
    .filter((entry) => entry.startsWith("{"))
    .map((entry) => objectProperties(entry.slice(1, -1)));
  const clerk = providers.find(looksLikeClerk);
  if (clerk === undefined) return missing("has no Clerk provider");

  const findings: Finding[] = [];
  const applicationID = clerk.get("applicationID");
  const audience =
    applicationID === undefined ? null : stringLiteral(applicationID);
  if (audience === CONVEX_APPLICATION_ID) {
    findings.push(
      ok(
        subject,
        `the Clerk provider expects applicationID "${CONVEX_APPLICATION_ID}"`,
      ),
    );
  } else {
    findings.push(
      problem(
        subject,
        `the Clerk provider's applicationID is ${applicationID ?? "missing"}, but Clerk's Convex integration issues tokens with aud "convex", which Convex then refuses: set applicationID: "${CONVEX_APPLICATION_ID}"`,
      ),
    );
  }

  const domain = clerk.get("domain") ?? "";
  const literal = stringLiteral(domain);
  const variable = envVariable(domain);
  let issuer: ConfiguredIssuer;
  if (literal !== null) {
    issuer = { variable: null, value: literal, audience };
    findings.push(
      warning(
        subject,
        `the issuer ${literal} is hard-coded, while this package's verifier reads ${ISSUER_VARIABLE} to tell Clerk's tokens apart: use domain: process.env.${ISSUER_VARIABLE} and npx convex env set ${ISSUER_VARIABLE} ${literal}`,
      ),
    );
  } else if (variable !== null) {
    const found = app.variable(variable);
    issuer = { variable, value: found?.value ?? null, audience };
    if (variable !== ISSUER_VARIABLE) {
      findings.push(
        warning(
          subject,
          `the issuer comes from ${variable}, but this package's verifier reads ${ISSUER_VARIABLE}: rename it, or pass { issuer: process.env.${variable} } to new ClerkSessions(...)`,
        ),
      );
    } else {
      findings.push(ok(subject, `the issuer comes from ${variable}`));
    }
    findings.push(
      found
        ? info(
            variable,
            `${found.value} (from ${found.from}); the deployment must have the same: npx convex env get ${variable}`,
          )
        : warning(
            variable,
            `not set in the environment, .env.local or .env, so a token's issuer cannot be compared here: check the deployment with npx convex env get ${variable} (set it with npx convex env set ${variable} https://<your-app>.clerk.accounts.dev) and export it before running the doctor`,
          ),
    );
  } else {
    issuer = { variable: null, value: null, audience };
    findings.push(
      problem(
        subject,
        `the Clerk provider's domain is ${domain === "" ? "missing" : "not an env var or a string"}: set domain: process.env.${ISSUER_VARIABLE}`,
      ),
    );
  }
  return { findings, issuer };
}
