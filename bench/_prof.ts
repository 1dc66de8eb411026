import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { benchApp, preloadBenchModules } from "./benchApp.js";
const NOW = Date.now();
function ev(type: "session.created" | "session.ended", i: number, p: string) {
  return clerkSessionEvent(type, { sessionId: `sess_${p}_${i}`, userId: `user_${p}_${i % 50}`, updatedAt: NOW + i + (type === "session.ended" ? 1000 : 0), expireAt: NOW + 7 * 86400000, abandonAt: NOW + 30 * 86400000 });
}
export async function main() {
  process.env.CLERK_WEBHOOK_SIGNING_SECRET = TEST_SECRET;
  await preloadBenchModules();
  const path = process.env.P!;
  for (let r = 0; r < 60; r++) {
    const t = benchApp(undefined, { validateComponentSchema: !path.startsWith("/unvalidated") });
    const inits = Array.from({ length: 50 }, (_, i) => signedDelivery(ev("session.created", i, `r${r}`)).init);
    for (const init of inits) await t.fetch(path, init);
    const ended = Array.from({ length: 50 }, (_, i) => signedDelivery(ev("session.ended", i, `r${r}`)).init);
    for (const init of ended) await t.fetch(path, init);
  }
}
