/**
 * The bug this package exists for, played on the example app in-process
 * (convex-test): Clerk moves to a new session while Convex keeps the old
 * token, the webhooks arrive, and the verdict says which side is wrong.
 */
import { api } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import {
  exampleApp,
  post,
  preloadExampleApp,
  type ExampleApp,
} from "../fixtures/exampleApp.js";
import {
  OTHER_SECRET,
  TEST_SECRET,
  signedDelivery,
} from "../fixtures/svixDelivery.js";
import {
  compareSessions,
  type ClerkClientState,
} from "../src/client/core/index.js";

const ISSUER = "https://demo.clerk.accounts.dev";
const USER = "user_2demo";

type Step = (line: string) => void;

async function verdict(
  t: ExampleApp,
  clerk: ClerkClientState,
  convexSid: string | null,
) {
  const convex =
    convexSid === null
      ? t
      : t.withIdentity({
          subject: USER,
          issuer: ISSUER,
          tokenIdentifier: `${ISSUER}|${USER}`,
          sid: convexSid,
        });
  const whoami = await convex.query(api.sessions.whoami, {});
  const status = clerk.sessionId
    ? await convex.query(api.sessions.sessionStatus, {
        sessionId: clerk.sessionId,
      })
    : undefined;
  const seen = whoami.authenticated
    ? `${whoami.sessionId} (${whoami.session.status})`
    : "unauthenticated";
  const stored = status
    ? `${status.sessionId} is ${status.status}`
    : "no Clerk session";
  return `Convex sees ${seen}; store says ${stored} -> ${compareSessions({ clerk, whoami, status })}`;
}

async function webhook(
  t: ExampleApp,
  body: Record<string, unknown>,
  secret = TEST_SECRET,
  svixId?: string,
) {
  const delivery = signedDelivery(body, {
    secret,
    ...(svixId ? { svixId } : {}),
  });
  const answer = await post(t, delivery.init);
  return {
    svixId: delivery.svixId,
    text: `HTTP ${answer.status} ${answer.text}`,
  };
}

export async function playStory(say: Step): Promise<void> {
  // The deployment's signing secret, as `npx convex env set` would set it.
  process.env.CLERK_WEBHOOK_SIGNING_SECRET = TEST_SECRET;
  await preloadExampleApp();
  const t = exampleApp();
  const now = Date.now();
  const signedInAs = (sessionId: string): ClerkClientState => ({
    isLoaded: true,
    isSignedIn: true,
    sessionId,
  });

  say("1. User signs in: Clerk creates session A.");
  const createdA = clerkSessionEvent("session.created", {
    sessionId: "sess_A",
    userId: USER,
    updatedAt: now - 60_000,
  });
  const first = await webhook(t, createdA);
  say(`   webhook session.created sess_A: ${first.text}`);
  say(`   ${await verdict(t, signedInAs("sess_A"), "sess_A")}`);

  say("2. Svix redelivers the same message.");
  say(
    `   webhook session.created sess_A (same svix-id): ${(await webhook(t, createdA, TEST_SECRET, first.svixId)).text}`,
  );

  say(
    "3. User signs out and in again: Clerk is on session B, Convex still holds A's token.",
  );
  say(`   ${await verdict(t, signedInAs("sess_B"), "sess_A")}`);

  say("4. Clerk's webhooks arrive.");
  say(
    `   webhook session.ended sess_A: ${(await webhook(t, clerkSessionEvent("session.ended", { sessionId: "sess_A", userId: USER, updatedAt: now - 30_000 }))).text}`,
  );
  say(
    `   webhook session.created sess_B: ${(await webhook(t, clerkSessionEvent("session.created", { sessionId: "sess_B", userId: USER, updatedAt: now - 20_000 }))).text}`,
  );
  say(`   ${await verdict(t, signedInAs("sess_B"), "sess_A")}`);

  say("5. A late, out-of-order session.created for A cannot bring it back.");
  say(
    `   webhook session.created sess_A (older): ${(await webhook(t, clerkSessionEvent("session.created", { sessionId: "sess_A", userId: USER, updatedAt: now - 45_000 }))).text}`,
  );

  say("6. The client refreshes its Convex token: Convex now sees session B.");
  say(`   ${await verdict(t, signedInAs("sess_B"), "sess_B")}`);

  say("7. A forged webhook tries to revoke session B.");
  const forged = clerkSessionEvent("session.revoked", {
    sessionId: "sess_B",
    userId: USER,
    updatedAt: now,
  });
  say(
    `   webhook session.revoked sess_B signed with another secret: ${(await webhook(t, forged, OTHER_SECRET)).text}`,
  );
  say(`   ${await verdict(t, signedInAs("sess_B"), "sess_B")}`);
}

/** `npm run demo`. */
export async function main(): Promise<void> {
  await playStory((line) => process.stdout.write(`${line}\n`));
}
