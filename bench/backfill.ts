/**
 * `npm run bench:backfill`: what a backfill costs in Backend API requests on
 * an instance of 10,000 users of whom 5% were active in the last week, the
 * walk over active users (the default) beside the walk over every user
 * (`sessionLifetimeMs: null`, the walk before). Real HTTP to the fake API on
 * 127.0.0.1; the walk runs on convex-test. The time is simulated from the
 * requests counted, at Clerk's published rate limits (100 requests per 10 s
 * on development instances, 1,000 on production; a bucket that starts
 * full), since waiting it out for real would take the better part of an
 * hour.
 */
import { components, internal } from "../convex/_generated/api.js";
import { exampleApp, preloadExampleApp } from "../fixtures/exampleApp.js";
import {
  FAKE_SECRET_KEY,
  addUsers,
  clerkSessionJson,
  startFakeClerk,
  type FakeClerk,
} from "../fixtures/fakeClerkApi.js";
import { ClerkApi } from "../src/client/clerkApi/index.js";
import { ClerkSessions } from "../src/client/core/index.js";

const USERS = 10_000;
const ACTIVE_SHARE = 0.05;
const DAY = 86_400_000;

function instance(clerk: FakeClerk, now: number) {
  addUsers(clerk, ...Array.from({ length: USERS }, (_, i) => `user_${i}`));
  clerk.users.forEach((user, i) => {
    const active = i % Math.round(1 / ACTIVE_SHARE) === 0;
    user["last_active_at"] = active ? now - (i % 6) * DAY : now - 60 * DAY;
    if (active) {
      clerk.sessions.push(
        clerkSessionJson(`sess_${user.id}`, user.id, "active", now - DAY),
      );
    }
  });
}

/** Seconds to send `requests` under a limit of `perTenSeconds`, from a full bucket. */
const simulatedSeconds = (requests: number, perTenSeconds: number) =>
  Math.max(0, requests - perTenSeconds) / (perTenSeconds / 10);

async function walkOnce(sessionLifetimeMs: number | null | undefined) {
  const clerk = await startFakeClerk();
  process.env["CLERK_SECRET_KEY"] = FAKE_SECRET_KEY;
  process.env["CLERK_API_URL"] = clerk.url;
  try {
    instance(clerk, Date.now());
    const t = exampleApp();
    const clerkApi = new ClerkApi(new ClerkSessions(components.clerkSessions), {
      // The bench counts requests and simulates the paced time instead
      // of waiting it out.
      requestsPer10s: 1_000_000_000,
      ...(sessionLifetimeMs === undefined ? {} : { sessionLifetimeMs }),
    });
    const started = performance.now();
    // Each step is run here, with this walk's options, rather than through
    // the app's scheduled action (which has the app's own options).
    let step = await t.action((ctx) =>
      clerkApi.syncAllUsers(ctx, { pageSize: 500 }),
    );
    while (step.nextOffset !== null) {
      const { walkId, nextOffset } = step;
      step = await t.action((ctx) =>
        clerkApi.syncAllUsers(ctx, { walkId, offset: nextOffset }),
      );
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const status = await t.query(internal.clerkSync.status, {});
    return {
      requests: clerk.requests.length,
      users: status?.users ?? 0,
      applied: status?.applied ?? 0,
      state: status?.state ?? "none",
      wallSeconds,
    };
  } finally {
    await clerk.close();
  }
}

export async function main() {
  await preloadExampleApp();
  const rows: string[][] = [];
  for (const [label, lifetime] of [
    ["active users (default, 7-day lifetime)", undefined],
    ["every user (sessionLifetimeMs: null)", null],
  ] as const) {
    const run = await walkOnce(lifetime);
    rows.push([
      label,
      String(run.users),
      String(run.applied),
      String(run.requests),
      `${simulatedSeconds(run.requests, 100).toFixed(0)} s`,
      `${simulatedSeconds(run.requests, 1000).toFixed(1)} s`,
      `${run.wallSeconds.toFixed(1)} s`,
      run.state,
    ]);
  }
  const header = [
    "walk",
    "users read",
    "sessions applied",
    "Backend API requests",
    "time at 100/10 s (dev)",
    "time at 1,000/10 s (prod)",
    "wall time here",
    "state",
  ];
  console.log(
    `Backfill of ${USERS.toLocaleString("en")} users, ${ACTIVE_SHARE * 100}% active in the last week, pages of 500\n`,
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  for (const row of [header, ...rows])
    console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  "));
}
