/**
 * The HTTP action behind `POST /clerk/webhook`: verify, parse, apply.
 * It answers with a status code for every outcome and never throws.
 */
import {
  httpActionGeneric,
  type GenericActionCtx,
  type GenericDataModel,
} from "convex/server";
import type { ComponentApi } from "../../component/_generated/component.js";
import { parseWebhookBody } from "./payload.js";
import { verifyWebhook } from "./signature.js";

export type WebhookOptions = {
  /** Overrides `CLERK_WEBHOOK_SIGNING_SECRET` / `CLERK_WEBHOOK_SECRET`. */
  webhookSecret?: string;
  /** A function handle to the app's `onEvent` mutation, made per request. */
  onEvent?: () => Promise<string | undefined>;
};

function json(status: number, body: Record<string, string>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** One line per delivery: never the body, the secret, IPs or tokens. */
function logDelivery(fields: {
  status: number;
  svixId?: string;
  type?: string;
  result?: string;
  error?: string;
}): void {
  const line = JSON.stringify({ event: "clerk_webhook", ...fields });
  if (fields.status >= 500) console.error(line);
  else if (fields.status >= 400) console.warn(line);
  else console.log(line);
}

export async function handleWebhook(
  ctx: Pick<GenericActionCtx<GenericDataModel>, "runMutation">,
  request: Request,
  component: ComponentApi,
  options: WebhookOptions = {},
): Promise<Response> {
  const verified = await verifyWebhook(request, options);
  if ("error" in verified) {
    logDelivery(verified);
    return json(verified.status, { error: verified.error });
  }
  const { svixId, body } = verified;
  const parsed = parseWebhookBody(body);
  if (parsed.kind === "invalid") {
    logDelivery({ status: 400, svixId, error: parsed.error });
    return json(400, { error: parsed.error });
  }
  if (parsed.kind === "ignored") {
    logDelivery({ status: 200, svixId, type: parsed.type, result: "ignored" });
    return json(200, { result: "ignored" });
  }
  try {
    const onEvent = await options.onEvent?.();
    const { result } = await ctx.runMutation(component.events.apply, {
      event: parsed.event,
      ...(onEvent === undefined ? {} : { onEvent }),
    });
    if (result === "ignored") {
      // A known session named with another owner: answered 2xx so Svix
      // stops, but worth a look. The body is not logged.
      console.warn(
        JSON.stringify({
          event: "clerk_webhook_owner_mismatch",
          svixId,
          type: parsed.type,
        }),
      );
    }
    logDelivery({ status: 200, svixId, type: parsed.type, result });
    return json(200, { result });
  } catch {
    // A 5xx makes Svix retry; the mutation either committed whole or not at all.
    const error = "the event could not be stored; it will be retried";
    logDelivery({ status: 500, svixId, type: parsed.type, error });
    return json(500, { error });
  }
}

export function webhookAction(
  component: ComponentApi,
  options: WebhookOptions,
) {
  return httpActionGeneric((ctx, request) =>
    handleWebhook(ctx, request, component, options),
  );
}
