/**
 * Svix signature verification for Clerk webhooks. Knows nothing of storage:
 * it turns a Request into the verified raw body, or says precisely why not.
 */
// svix's verifier alone: its package root also loads the whole REST client.
import { Webhook } from "svix/dist/webhook.js";

export const SVIX_ID_HEADER = "svix-id";
export const SVIX_TIMESTAMP_HEADER = "svix-timestamp";
export const SVIX_SIGNATURE_HEADER = "svix-signature";
const REQUIRED_HEADERS = [
  SVIX_ID_HEADER,
  SVIX_TIMESTAMP_HEADER,
  SVIX_SIGNATURE_HEADER,
] as const;

/** Clerk payloads are a few KiB; anything this large is not one of them. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Svix sends one signature per active secret of the endpoint; more than a
 * handful is an attempt to make each request cost many HMACs.
 */
export const MAX_SIGNATURES = 16;

/** Env vars read for the signing secret, Clerk's name first. */
export const SECRET_ENV_VARS = [
  "CLERK_WEBHOOK_SIGNING_SECRET",
  "CLERK_WEBHOOK_SECRET",
] as const;

export type VerifiedWebhook = { svixId: string; body: string };

export type VerificationFailure = {
  status: 400 | 413 | 500;
  error: string;
};

/** Svix issues 24-byte keys; a shorter one is not a real signing secret. */
export const MIN_SECRET_BYTES = 24;
const SECRET_PREFIX = "whsec_";
/** Standard base64, padded to a multiple of 4, as Svix prints its secrets. */
const BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/**
 * Between two secrets of a rotation list: a comma (spaces around it allowed)
 * or spaces alone. So `a,,b`, `a, ,b` and a leading or trailing comma leave
 * an empty entry, which is an error, never skipped.
 */
const SECRET_SEPARATOR = /\s*,\s*|\s+/;

/** Where the secrets were read from, as the error message names it. */
export type SecretSource =
  (typeof SECRET_ENV_VARS)[number] | "webhookSecret option";

export type SecretConfig =
  | { ok: true; source: SecretSource; secrets: string[] }
  | { ok: false; error: string };

/** What is wrong with one configured secret, without ever quoting it. */
function secretProblem(secret: string): string | null {
  if (secret === "") {
    return "is empty (a comma doubled, or one at either end)";
  }
  if (!secret.startsWith(SECRET_PREFIX)) {
    return `does not start with ${SECRET_PREFIX}`;
  }
  const key = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(key)) {
    return `is not ${SECRET_PREFIX} followed by base64`;
  }
  const bytes = (key.length / 4) * 3 - (key.match(/=+$/)?.[0].length ?? 0);
  if (bytes < MIN_SECRET_BYTES) {
    return `has a key of ${bytes} bytes; Svix issues at least ${MIN_SECRET_BYTES}`;
  }
  return null;
}

/**
 * The signing secrets, from the `webhookSecret` option or else from env (an
 * env var set to only spaces counts as unset), read at call time. Several
 * may be given while a secret is rotated. Every entry must be a well-formed
 * Svix secret: one bad entry fails the whole configuration, so no request
 * is ever verified with a weak or mistyped key.
 */
export function readSecrets(explicit?: string): SecretConfig {
  const fromEnv = SECRET_ENV_VARS.find(
    (name) => (process.env[name] ?? "").trim() !== "",
  );
  const source: SecretSource | undefined =
    explicit !== undefined ? "webhookSecret option" : fromEnv;
  if (source === undefined) {
    return {
      ok: false,
      error: `No webhook signing secret configured: set ${SECRET_ENV_VARS[0]} (npx convex env set ${SECRET_ENV_VARS[0]} whsec_...)`,
    };
  }
  const raw = (explicit ?? process.env[source] ?? "").trim();
  const secrets = raw.split(SECRET_SEPARATOR);
  for (const [index, secret] of secrets.entries()) {
    const problem = secretProblem(secret);
    if (problem === null) continue;
    const which =
      secrets.length === 1
        ? "the secret"
        : `secret ${index + 1} of ${secrets.length}`;
    return {
      ok: false,
      error: `The webhook signing secret in ${source} is not valid: ${which} ${problem}. Expected ${SECRET_PREFIX} followed by base64 of at least ${MIN_SECRET_BYTES} bytes, as Clerk's dashboard shows it; several are separated by a comma or spaces.`,
    };
  }
  return { ok: true, source, secrets };
}

function headersProblem(headers: Headers): string | null {
  const missing = REQUIRED_HEADERS.filter((name) => !headers.get(name));
  if (missing.length > 0) return `missing header(s): ${missing.join(", ")}`;
  if (!/^\d{1,12}$/.test(headers.get(SVIX_TIMESTAMP_HEADER) ?? "")) {
    return `${SVIX_TIMESTAMP_HEADER} must be a Unix time in seconds`;
  }
  if ((headers.get(SVIX_ID_HEADER) ?? "").length > 256) {
    return `${SVIX_ID_HEADER} is too long`;
  }
  const signatures = (headers.get(SVIX_SIGNATURE_HEADER) ?? "")
    .split(" ")
    .filter((entry) => entry !== "");
  if (signatures.length > MAX_SIGNATURES) {
    return `${SVIX_SIGNATURE_HEADER} has more than ${MAX_SIGNATURES} entries`;
  }
  if (!/(^|\s)v1,\S+/.test(headers.get(SVIX_SIGNATURE_HEADER) ?? "")) {
    return `${SVIX_SIGNATURE_HEADER} has no v1 signature`;
  }
  return null;
}

/** Reads at most `limit` bytes; null when the body is larger. */
async function readBody(
  request: Request,
  limit: number,
): Promise<Uint8Array | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return null;
  if (request.body === null) return new Uint8Array();
  if (declared !== null && /^\d+$/.test(declared)) {
    // The declared length is within the limit: read it whole, then check.
    const body = new Uint8Array(await request.arrayBuffer());
    return body.byteLength > limit ? null : body;
  }
  // No length declared: stop reading as soon as the limit is passed.
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Verifies a Clerk webhook request with svix: any configured secret and any
 * `v1,` signature in the header may match, within svix's 5 minute tolerance.
 */
export async function verifyWebhook(
  request: Request,
  options: { webhookSecret?: string } = {},
): Promise<VerifiedWebhook | VerificationFailure> {
  const config = readSecrets(options.webhookSecret);
  if (!config.ok) return { status: 500, error: config.error };
  const webhooks = config.secrets.map((secret) => new Webhook(secret));
  const problem = headersProblem(request.headers);
  if (problem !== null) return { status: 400, error: problem };
  const bytes = await readBody(request, MAX_BODY_BYTES);
  if (bytes === null) {
    return {
      status: 413,
      error: `body is larger than ${MAX_BODY_BYTES} bytes`,
    };
  }
  let body: string;
  try {
    body = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { status: 400, error: "body is not valid UTF-8" };
  }
  const headers = {
    [SVIX_ID_HEADER]: request.headers.get(SVIX_ID_HEADER) ?? "",
    [SVIX_TIMESTAMP_HEADER]: request.headers.get(SVIX_TIMESTAMP_HEADER) ?? "",
    [SVIX_SIGNATURE_HEADER]: request.headers.get(SVIX_SIGNATURE_HEADER) ?? "",
  };
  let lastError = "no signature matches";
  for (const webhook of webhooks) {
    try {
      // The return value is ignored: svix 2 returns nothing, and the body is
      // parsed by the caller from the same bytes that were verified.
      webhook.verify(body, headers);
      return { svixId: headers[SVIX_ID_HEADER], body };
    } catch (error: unknown) {
      // svix 1 parses the body once the signature matches.
      if (error instanceof SyntaxError) {
        return { status: 400, error: "body is not JSON" };
      }
      const message = error instanceof Error ? error.message : "";
      if (/too old|too new/i.test(message)) {
        lastError = "timestamp is outside the 5 minute tolerance";
      }
    }
  }
  return { status: 400, error: lastError };
}
