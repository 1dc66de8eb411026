/**
 * Checks a Clerk session token against the app's auth config, offline: it
 * is decoded here and sent nowhere, and the signature is not checked (that
 * needs Clerk's keys; Convex checks it). The findings name claims, and show
 * only values that are not secret: the issuer, the audience, times.
 */
import {
  decodeTokenClaims,
  usesConvexIntegration,
} from "../react/clerkAuth.js";
import {
  CONVEX_APPLICATION_ID,
  ISSUER_VARIABLE,
  type ConfiguredIssuer,
} from "./authConfigCheck.js";
import { info, ok, problem, warning, type Finding } from "./findings.js";

const SUBJECT = "token";
/** The clock skew Convex allows on `exp` and `nbf`, roughly. */
const LEEWAY_S = 5;

const trimSlash = (url: string) => url.replace(/\/+$/, "");

function seconds(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function checkIssuer(
  claims: Record<string, unknown>,
  configured: ConfiguredIssuer | null,
): Finding {
  const iss = typeof claims.iss === "string" ? claims.iss : null;
  if (iss === null)
    return problem(
      SUBJECT,
      "has no iss claim: Convex refuses it; is it a Clerk session token?",
    );
  if (configured === null) {
    return warning(
      SUBJECT,
      `its issuer is ${iss}, but auth.config.ts has no Clerk provider to compare it with: fix that first`,
    );
  }
  if (configured.value === null) {
    return warning(
      SUBJECT,
      `its issuer is ${iss}; auth.config.ts's domain could not be read here: make sure ${configured.variable ?? ISSUER_VARIABLE} on the deployment is ${iss}`,
    );
  }
  if (trimSlash(iss) !== trimSlash(configured.value)) {
    return problem(
      SUBJECT,
      `its issuer ${iss} is not auth.config.ts's domain ${configured.value}, so Convex refuses it: set ${configured.variable ?? "the domain"} to the Frontend API URL of the Clerk instance the app signs in with`,
    );
  }
  return ok(SUBJECT, `its issuer ${iss} matches auth.config.ts`);
}

function checkLifetime(
  claims: Record<string, unknown>,
  nowS: number,
): Finding[] {
  const exp = seconds(claims.exp);
  const nbf = seconds(claims.nbf);
  if (exp === null)
    return [
      problem(
        SUBJECT,
        "has no exp claim: Convex refuses a token without an expiry",
      ),
    ];
  const findings: Finding[] = [];
  if (exp + LEEWAY_S < nowS) {
    findings.push(
      problem(
        SUBJECT,
        `expired ${Math.round(nowS - exp)} s ago, so Convex refuses it: Clerk's session tokens live about 60 s, paste a fresh one (await getToken() in the browser console)`,
      ),
    );
  } else {
    findings.push(
      ok(SUBJECT, `not expired (${Math.round(exp - nowS)} s left)`),
    );
  }
  if (nbf !== null && nbf - LEEWAY_S > nowS) {
    findings.push(
      problem(
        SUBJECT,
        `not valid for another ${Math.round(nbf - nowS)} s (nbf): check this machine's clock`,
      ),
    );
  }
  return findings;
}

function checkSession(claims: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  if (typeof claims.sid === "string") {
    findings.push(
      ok(
        SUBJECT,
        "has sid: whoami and the verifier tie it to its Clerk session",
      ),
    );
  } else {
    findings.push(
      problem(
        SUBJECT,
        'has no sid claim, as the legacy "convex" JWT template issues: whoami reports sessionId null and the verdict is no_session_claim; switch to Clerk\'s Convex integration',
      ),
    );
  }
  const version = claims.v;
  if (version === 2) {
    findings.push(ok(SUBJECT, "is a v2 session token (v: 2)"));
  } else {
    findings.push(
      info(
        SUBJECT,
        `is a v1 session token (v: ${JSON.stringify(version ?? null)}): it carries no sts, so the store's status is used; Clerk's session token v2 adds it`,
      ),
    );
  }
  if (claims.sts === "active") {
    findings.push(ok(SUBJECT, "its session status (sts) is active"));
  } else if (claims.sts === "pending") {
    findings.push(
      warning(
        SUBJECT,
        'its session is pending (sts): the verifier refuses it with SESSION_PENDING until the user finishes the sign-in task (such as choosing an organization), unless verifier: { pendingSessions: "allow" }',
      ),
    );
  } else if (claims.sts !== undefined) {
    findings.push(
      warning(
        SUBJECT,
        `its session status (sts) is ${JSON.stringify(claims.sts)}, which this package does not know`,
      ),
    );
  }
  return findings;
}

function checkOrganization(claims: Record<string, unknown>): Finding {
  const o = claims.o;
  if (typeof o === "object" && o !== null) {
    const fields = o as Record<string, unknown>;
    if (typeof fields.id !== "string") {
      return problem(
        SUBJECT,
        "has an o claim without o.id: the verifier cannot tell which organization is active; check the session token customization",
      );
    }
    const present = ["id", "rol", "per", "slg"].filter((key) => key in fields);
    return ok(
      SUBJECT,
      `carries v2 organization claims (${present.map((key) => `o.${key}`).join(", ")}): the verifier checks the membership`,
    );
  }
  if (typeof claims.org_id === "string") {
    const present = [
      "org_id",
      "org_role",
      "org_slug",
      "org_permissions",
    ].filter((key) => key in claims);
    return ok(
      SUBJECT,
      `carries v1 organization claims (${present.join(", ")}): the verifier checks the membership`,
    );
  }
  return info(SUBJECT, "has no active organization");
}

/**
 * Says whether Convex will accept `token` against the configured issuer and
 * `aud: "convex"`, and whether this package can use it.
 *
 * @example
 * checkToken(token, { variable: "CLERK_JWT_ISSUER_DOMAIN", value: "https://x.clerk.accounts.dev", audience: "convex" }, Date.now());
 */
export function checkToken(
  token: string,
  issuer: ConfiguredIssuer | null,
  nowMs: number,
): Finding[] {
  const claims = decodeTokenClaims(token.trim());
  if (claims === null) {
    return [
      problem(
        SUBJECT,
        "is not a JWT (three base64url parts, the middle one JSON): paste the whole token getToken() returns",
      ),
    ];
  }
  const configured = issuer?.audience ?? CONVEX_APPLICATION_ID;
  const audience = !usesConvexIntegration(claims)
    ? problem(
        SUBJECT,
        `its audience is ${JSON.stringify(claims.aud ?? null)}, not "${CONVEX_APPLICATION_ID}", so Convex refuses it: turn on Clerk's Convex integration (or give the "convex" JWT template aud "convex")`,
      )
    : configured !== CONVEX_APPLICATION_ID
      ? problem(
          SUBJECT,
          `its audience is "${CONVEX_APPLICATION_ID}", but auth.config.ts expects "${configured}", so Convex refuses it: set applicationID: "${CONVEX_APPLICATION_ID}"`,
        )
      : ok(SUBJECT, `its audience includes "${CONVEX_APPLICATION_ID}"`);
  const findings = [
    checkIssuer(claims, issuer),
    audience,
    ...checkLifetime(claims, nowMs / 1000),
    ...checkSession(claims),
    checkOrganization(claims),
  ];
  if (claims.act !== undefined) {
    findings.push(
      info(
        SUBJECT,
        'is an impersonation (act claim): refused where verifier: { impersonatedSessions: "deny" }',
      ),
    );
  }
  return findings;
}
