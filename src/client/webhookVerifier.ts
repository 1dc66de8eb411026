/**
 * Svix signature verification for Clerk webhooks. Knows nothing of storage:
 * it turns a Request into the verified raw body, or says precisely why not.
 */
import { Webhook } from "svix";

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

/**
 * Secrets from an explicit option or from env, read at call time. Several may
 * be given, separated by spaces or commas, while a secret is rotated.
 */
export function readSecrets(explicit?: string): string[] {
  const raw =
    explicit ??
    SECRET_ENV_VARS.map((name) => process.env[name]).find(
      (value) => value !== undefined && value.trim() !== "",
    ) ??
    "";
  return raw.split(/[\s,]+/).filter((secret) => secret !== "");
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

function webhooksFor(secrets: string[]): Webhook[] | null {
  try {
    return secrets.map((secret) => new Webhook(secret));
  } catch {
    return null;
  }
}

/**
 * Verifies a Clerk webhook request with svix: any configured secret and any
 * `v1,` signature in the header may match, within svix's 5 minute tolerance.
 */
export async function verifyWebhook(
  request: Request,
  options: { webhookSecret?: string } = {},
): Promise<VerifiedWebhook | VerificationFailure> {
  const secrets = readSecrets(options.webhookSecret);
  if (secrets.length === 0) {
    return {
      status: 500,
      error: `No webhook signing secret configured: set ${SECRET_ENV_VARS[0]} (npx convex env set ${SECRET_ENV_VARS[0]} whsec_...)`,
    };
  }
  const webhooks = webhooksFor(secrets);
  if (webhooks === null) {
    return {
      status: 500,
      error: `The webhook signing secret (${SECRET_ENV_VARS.join(" or ")}) is not valid: expected whsec_ followed by base64, as Clerk's dashboard shows it`,
    };
  }
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
