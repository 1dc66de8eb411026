/**
 * `node --cpu-prof scripts/run-in-vite.mjs bench/profile.ts`: many new-session
 * events through each handler, for a CPU profile of where the time goes
 * (and a quick timing of one change). Environment:
 * - PROFILE_HANDLER: a comma-separated list of the bench app's applyEvent,
 *   referenceUpsert, applyEventEmpty, referenceEmpty (default the first two);
 * - PROFILE_MODE=delivery: whole signed deliveries to each handler's route
 *   (applyEvent's is /clerk/webhook), instead of the mutation called from an
 *   app mutation as bench/run.ts's split times it;
 * - PROFILE_EVENTS: events per timed repetition (default 2000);
 * - PROFILE_NO_STACKS=1: Error.stackTraceLimit = 0, to see what convex-test's
 *   union validation (one thrown Error per member that does not match) costs.
 */
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { parseWebhookBody } from "../src/client/webhook/payload.js";
import type { SessionEvent } from "../src/shared/eventValidators.js";
import { api } from "./app/_generated/api.js";
import { benchApp, preloadBenchModules } from "./benchApp.js";

const NOW = Date.now();

function body(i: number, prefix: string) {
  return clerkSessionEvent("session.created", {
    sessionId: `sess_${prefix}_${i}`,
    userId: `user_${prefix}_${i % 50}`,
    updatedAt: NOW + i,
    expireAt: NOW + 7 * 86_400_000,
    abandonAt: NOW + 30 * 86_400_000,
  });
}

function event(i: number, prefix: string): SessionEvent {
  const parsed = parseWebhookBody(JSON.stringify(body(i, prefix)));
  if (parsed.kind !== "event") throw new Error("does not parse");
  return parsed.event;
}

async function run(handler: string, total: number, perApp: number) {
  let us = 0;
  for (let done = 0; done < total; done += perApp) {
    const t = benchApp();
    const prefix = `p${done}`;
    const args = Array.from({ length: perApp }, (_, i) =>
      handler.startsWith("reference") ? body(i, prefix).data : event(i, prefix),
    );
    const inits =
      process.env.PROFILE_MODE === "delivery"
        ? Array.from(
            { length: perApp },
            (_, i) => signedDelivery(body(i, prefix)).init,
          )
        : [];
    const start = performance.now();
    for (const init of inits) {
      const path = handler.startsWith("reference")
        ? "/reference/webhook"
        : "/clerk/webhook";
      const response = await t.fetch(path, init);
      if (response.status !== 200)
        throw new Error(`${path}: ${response.status}`);
    }
    for (const arg of inits.length > 0 ? [] : args) {
      if (handler === "referenceUpsert" || handler === "referenceEmpty")
        await t.mutation(api.measure[handler], { data: arg });
      else
        await t.mutation(api.measure[handler as "applyEvent"], {
          event: arg as SessionEvent,
        });
    }
    us += (performance.now() - start) * 1000;
  }
  return us / total;
}

export async function main(): Promise<void> {
  if (process.env.PROFILE_NO_STACKS === "1") Error.stackTraceLimit = 0;
  process.env.CLERK_WEBHOOK_SIGNING_SECRET = TEST_SECRET;
  await preloadBenchModules();
  const which = process.env.PROFILE_HANDLER ?? "both";
  const total = Number(process.env.PROFILE_EVENTS ?? 2000);
  const handlers =
    which === "both" ? ["referenceUpsert", "applyEvent"] : which.split(",");
  for (const handler of handlers) await run(handler, 200, 50); // warm-up
  for (let rep = 0; rep < 3; rep++)
    for (const handler of handlers)
      console.log(handler, (await run(handler, total, 50)).toFixed(0), "µs");
}
