/**
 * `npm run bench`: the webhook route against a reference handler, and how
 * reads and writes scale with the number of stored sessions, on convex-test.
 * Prints a table and writes bench/results.md.
 */
import batchWorkerTest from "@convex-dev/batch-worker/test";
import workpoolTest from "@convex-dev/workpool/test";
import { writeFileSync } from "node:fs";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import {
  countStatuses,
  importOnce,
  type ModuleMap,
  seedSessions,
  type TestApp,
} from "../fixtures/convexTestApp.js";
import { TEST_SECRET, signedDelivery } from "../fixtures/svixDelivery.js";
import { apply } from "../src/component/events.js";
import { DELETION_BATCH_SIZE } from "../src/component/users.js";
import { parseWebhookBody } from "../src/client/webhook/payload.js";
import type { SessionEvent } from "../src/shared/eventValidators.js";
import { benchApp, preloadBenchModules } from "./benchApp.js";
import { emptyApply } from "./componentProbe.js";
import { api } from "./app/_generated/api.js";
import { upsertFromClerk } from "./app/reference.js";

type Row = [string, ...string[]];

/** Clerk sends a webhook right after the change, so events carry recent times. */
const NOW = Date.now();
const sections: { title: string; header: Row; rows: Row[]; note: string }[] =
  [];

type Scenario = "new" | "known" | "replay";
const SCENARIOS: { key: Scenario; label: string }[] = [
  { key: "new", label: "new session (session.created)" },
  { key: "known", label: "known session (session.ended after created)" },
  { key: "replay", label: "replay (the same session.ended again)" },
];

const DAY = 86_400_000;

/** Fixed expiry times, so the same arguments always make the same event. */
function sessionEvent(
  type: "session.created" | "session.ended",
  i: number,
  prefix: string,
) {
  return clerkSessionEvent(type, {
    sessionId: `sess_${prefix}_${i}`,
    userId: `user_${prefix}_${i % 50}`,
    updatedAt: NOW + i + (type === "session.ended" ? 1_000 : 0),
    expireAt: NOW + 7 * DAY,
    abandonAt: NOW + 30 * DAY,
  });
}

const createdEvent = (i: number, prefix: string) =>
  sessionEvent("session.created", i, prefix);
const endedEvent = (i: number, prefix: string) =>
  sessionEvent("session.ended", i, prefix);

/** The same event as the route hands it to the component, parsed by the route's parser. */
function asComponentEvent(body: Record<string, unknown>): SessionEvent {
  const parsed = parseWebhookBody(JSON.stringify(body));
  if (parsed.kind !== "event")
    throw new Error("the bench event does not parse");
  return parsed.event;
}

const componentEvent = (i: number, prefix: string) =>
  asComponentEvent(createdEvent(i, prefix));

/** Microseconds per delivery over the signed POSTs `inits` to `path`. */
async function timeDeliveries(t: TestApp, path: string, inits: RequestInit[]) {
  const start = performance.now();
  for (const init of inits) {
    const response = await t.fetch(path, init);
    if (response.status !== 200)
      throw new Error(`${path} answered ${response.status}`);
  }
  return ((performance.now() - start) * 1000) / inits.length;
}

const signed = (bodies: Record<string, unknown>[]) =>
  bodies.map((body) => signedDelivery(body).init);

async function averageMetrics(runs: (() => Promise<Record<string, number>>)[]) {
  const totals: Record<string, number> = {};
  for (const run of runs) {
    for (const [key, value] of Object.entries(await run()))
      totals[key] = (totals[key] ?? 0) + value;
  }
  return Object.fromEntries(
    Object.entries(totals).map(([key, value]) => [key, value / runs.length]),
  );
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });

/** The handlers measured side by side on the same signed events. */
const HANDLERS = [
  {
    key: "reference",
    label: "reference (svix verify + one upsert)",
    path: "/reference/webhook",
    validated: true,
  },
  {
    key: "ours",
    label: "convex-clerk-sessions (verify, parse, ordered merge)",
    path: "/clerk/webhook",
    validated: true,
  },
  {
    key: "unvalidated",
    label:
      "the same route and work, validators off (bench/componentProbe.ts, never shipped)",
    path: "/unvalidated/webhook",
    validated: false,
  },
] as const;
type Handler = (typeof HANDLERS)[number];
type HandlerKey = Handler["key"];

/**
 * µs per delivery of one scenario for one handler, on a fresh app: `count`
 * sessions are created first (untimed) when the scenario needs them stored.
 */
async function timeScenario(
  { path, validated }: Handler,
  scenario: Scenario,
  prefix: string,
  count: number,
): Promise<number> {
  const t = benchApp(undefined, { validateComponentSchema: validated });
  const ids = Array.from({ length: count }, (_, i) => i);
  const created = signed(ids.map((i) => createdEvent(i, prefix)));
  if (scenario === "new") return await timeDeliveries(t, path, created);
  await timeDeliveries(t, path, created);
  const ended = signed(ids.map((i) => endedEvent(i, prefix)));
  if (scenario === "known") return await timeDeliveries(t, path, ended);
  await timeDeliveries(t, path, ended);
  // Svix redelivers the very message: same svix-id, same body.
  return await timeDeliveries(t, path, ended);
}

/**
 * Per-event time of each handler, scenario by scenario, in alternating
 * rounds so drift in the machine's speed falls on all alike. Every round
 * uses a new app of `perApp` sessions: convex-test scans its in-memory
 * indexes, so small tables show the fixed cost a real, O(log n) index gives.
 * A handler's ratio to the reference is taken round by round, each against
 * the reference's time in the same round, then the median of those: a
 * slow spell of the machine falls on both sides of one ratio.
 */
async function timeFresh(rounds: number, perApp: number) {
  const samples = new Map<string, number[]>();
  const sample = (handler: HandlerKey, scenario: Scenario) =>
    samples.get(`${handler}/${scenario}`) ?? [];
  for (const handler of HANDLERS)
    await timeScenario(handler, "replay", "warm", 20);
  for (let round = 0; round < rounds; round++) {
    for (const { key: scenario } of SCENARIOS) {
      const order = round % 2 === 0 ? HANDLERS : [...HANDLERS].reverse();
      for (const handler of order) {
        const us = await timeScenario(handler, scenario, `r${round}`, perApp);
        samples.set(`${handler.key}/${scenario}`, [
          ...sample(handler.key, scenario),
          us,
        ]);
      }
    }
  }
  return {
    time: (handler: HandlerKey, scenario: Scenario) =>
      median(sample(handler, scenario)),
    ratio: (handler: HandlerKey, scenario: Scenario) => {
      const reference = sample("reference", scenario);
      return median(
        sample(handler, scenario).map((us, round) => us / reference[round]!),
      );
    },
  };
}

/** Other work on the machine lands on single rounds; the median leaves it out. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Transaction metrics of one scenario's mutation; the unvalidated probe does `ours`'s work. */
async function metricsOf(handler: HandlerKey, scenario: Scenario, count = 50) {
  const t = benchApp();
  const run = (body: Record<string, unknown>) =>
    handler === "reference"
      ? t.mutation(api.measure.referenceUpsert, { data: body.data })
      : t.mutation(api.measure.applyEvent, { event: asComponentEvent(body) });
  const runs: (() => Promise<Record<string, number>>)[] = [];
  for (let i = 0; i < count; i++) {
    if (scenario === "new") {
      runs.push(() => run(createdEvent(i, "m")));
      continue;
    }
    await run(createdEvent(i, "m"));
    if (scenario === "replay") await run(endedEvent(i, "m"));
    runs.push(() => run(endedEvent(i, "m")));
  }
  return await averageMetrics(runs);
}

const mean = (values: number[]) =>
  values.reduce((a, b) => a + b, 0) / values.length;

async function routeVersusReference(rounds: number, perApp: number) {
  const { time, ratio: ratioOf } = await timeFresh(rounds, perApp);
  const rows: Row[] = [];
  const ratios: Record<HandlerKey, number[]> = {
    reference: [],
    ours: [],
    unvalidated: [],
  };
  for (const { key: scenario, label } of SCENARIOS) {
    for (const { key, label: handler } of HANDLERS) {
      const m = await metricsOf(key, scenario);
      const ratio = ratioOf(key, scenario);
      ratios[key].push(ratio);
      rows.push([
        label,
        handler,
        fmt(m.databaseQueries ?? 0, 1),
        fmt(m.documentsRead ?? 0, 1),
        fmt(m.bytesRead ?? 0),
        fmt(m.documentsWritten ?? 0, 1),
        fmt(m.bytesWritten ?? 0),
        fmt(time(key, scenario)),
        fmt(ratio, 2),
      ]);
    }
  }
  const worst = (key: HandlerKey) => Math.max(...ratios[key]);
  sections.push({
    title: `Webhook route vs reference handler, per event (${rounds} rounds of ${perApp} signed deliveries per scenario and handler, a fresh app each)`,
    header: [
      "scenario",
      "handler",
      "index lookups",
      "docs read",
      "bytes read",
      "docs written",
      "bytes written",
      "µs / event, fresh tables (median of rounds)",
      "ratio to reference (median of the rounds' ratios)",
    ],
    rows,
    note:
      `Goal: at most 1.25x the reference's time in every scenario. Measured: ${fmt(mean(ratios.ours), 2)}x on average, ${fmt(worst("ours"), 2)}x at worst. ` +
      `With no validators at all (\`events.apply\`'s work behind \`v.any()\`, no \`returns\`, the component's documents unchecked), the same route measures ` +
      `${fmt(mean(ratios.unvalidated), 2)}x on average and ${fmt(worst("unvalidated"), 2)}x at worst: ` +
      "the validators account for the difference between those two rows, because convex-test re-serialises a function's validators on every call " +
      "and checks a union member by member, throwing an Error (a stack trace) for each member a value misses (see the sections below), " +
      "where a deployment serialises them once, at push, and validates in its own runtime. " +
      "Times are whole HTTP deliveries through convex-test, signature check included, on a fresh app per round so the fixed cost shows " +
      "(convex-test scans its in-memory indexes: judge scale by the document counts, not by time). " +
      "Lookups, documents and bytes come from convex-test's transaction metrics for the mutation alone; the unvalidated row runs the very same code, so its counts are the package's. " +
      "The reference rewrites the row on every delivery, a replay included; this package reads the stored session once, " +
      "writes only when the event changes it, and for an unseen session also looks up the user's deletion record. " +
      'It answers `{"result": ...}` as JSON where the reference answers an empty 200, stores 17 fields where the reference stores 4, and parses the payload leniently.',
  });
}

/**
 * Where the time goes, for new sessions: each handler's mutation called from
 * an app mutation (no HTTP, no signature); the same call to an empty mutation
 * with the same validators (the reference's `v.any()`, or `events.apply`'s
 * own, inside the component); and the whole delivery.
 */
async function timeSplit(rounds: number, perApp: number) {
  const kinds = [
    ["reference", "mutation"],
    ["ours", "mutation"],
    ["reference", "empty"],
    ["ours", "empty"],
    ["reference", "delivery"],
    ["ours", "delivery"],
  ] as const;
  const mutations = {
    reference: {
      mutation: api.measure.referenceUpsert,
      empty: api.measure.referenceEmpty,
    },
    ours: {
      mutation: api.measure.applyEvent,
      empty: api.measure.applyEventEmpty,
    },
  } as const;
  const samples: number[][] = kinds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [k, [handler, kind]] of kinds.entries()) {
      const t = benchApp();
      const bodies = Array.from({ length: perApp }, (_, i) =>
        createdEvent(i, `split${round}`),
      );
      if (kind === "delivery") {
        const path = HANDLERS.find(({ key }) => key === handler)!.path;
        samples[k]!.push(await timeDeliveries(t, path, signed(bodies)));
        continue;
      }
      const args = bodies.map((body) =>
        handler === "reference" ? body.data : asComponentEvent(body),
      );
      const start = performance.now();
      for (const arg of args) {
        if (handler === "reference")
          await t.mutation(mutations.reference[kind], { data: arg });
        else
          await t.mutation(mutations.ours[kind], {
            event: arg as SessionEvent,
          });
      }
      samples[k]!.push(((performance.now() - start) * 1000) / perApp);
    }
  }
  const us = samples.map(median);
  const [refMutation, ourMutation, refEmpty, ourEmpty] = us as [
    number,
    number,
    number,
    number,
  ];
  const label = (handler: string) =>
    HANDLERS.find(({ key }) => key === handler)!.label;
  const what = {
    mutation: "its mutation, called from an app mutation",
    empty: "an empty mutation with the same validators, called the same way",
    delivery: "the whole signed HTTP delivery",
  };
  const refWork = refMutation - refEmpty;
  const ourWork = ourMutation - ourEmpty;
  sections.push({
    title: `Where the time goes: new sessions, the mutation alone, an empty mutation with its validators, and the whole delivery (${rounds} rounds of ${perApp})`,
    header: [
      "handler",
      "what is timed",
      "µs / event (median of rounds)",
      "ratio to reference",
    ],
    rows: kinds.map(([handler, kind], k) => [
      label(handler),
      what[kind],
      fmt(us[k]!),
      fmt(us[k]! / us[k % 2 === 0 ? k : k - 1]!, 2),
    ]),
    note:
      "Compare within each pair. The mutation rows run each handler's mutation as a nested call from an app mutation (no HTTP, no signature). " +
      "The empty rows make the same two calls to mutations that do nothing: the reference's upsert has a `v.any()` argument and no `returns`; " +
      "the package's probe (bench/componentProbe.ts) sits inside the component with exactly `events.apply`'s argument and return validators, " +
      `called from an app mutation that validates the event as \`applyEvent\` does. Their difference, ${fmt(ourEmpty - refEmpty)} µs per event, ` +
      "is what convex-test spends on those validators and that boundary before any work is done (see the next table). " +
      `The work beyond the empty call: reference ${fmt(refWork)} µs, this package ${fmt(ourWork)} µs ` +
      "(one lookup more for a new session, and a larger document with more indexes, which convex-test validates against the schema on insert). " +
      "The delivery rows run the whole signed request, whose mutation is called from the HTTP action instead, so they are not the mutation rows plus a constant.",
  });
}

type ExportPrice = {
  calls: number;
  rows: Row[];
  referenceUs: number;
  applyUs: number;
};

/**
 * What convex-test's `resolveFunction` does on every call, the nested ones
 * included: re-serialises the function's argument and return validators
 * (`exportArgs()`, `exportReturns()`) and parses the JSON back. A deployment
 * reads them once, when the code is pushed.
 */
function measureExportPrice(calls: number): ExportPrice {
  type Exported = { exportArgs(): string; exportReturns(): string };
  const functions = [
    {
      label: "reference `upsertFromClerk` (`v.any()`, no `returns`)",
      fn: upsertFromClerk as unknown as Exported,
    },
    {
      label: "this package's `events.apply`",
      fn: apply as unknown as Exported,
    },
    {
      label: "the empty probe (bench/componentProbe.ts)",
      fn: emptyApply as unknown as Exported,
    },
  ];
  const probe = functions[2]!.fn;
  const real = functions[1]!.fn;
  if (
    probe.exportArgs() !== real.exportArgs() ||
    probe.exportReturns() !== real.exportReturns()
  )
    throw new Error("the probe's validators are not events.apply's");
  // Interleaved blocks, median per function: the machine's drift falls on all alike.
  const blocks = 20;
  const samples: number[][] = functions.map(() => []);
  for (let block = -1; block < blocks; block++) {
    for (const [i, { fn }] of functions.entries()) {
      const start = performance.now();
      for (let k = 0; k < calls / blocks; k++) {
        JSON.parse(fn.exportArgs());
        JSON.parse(fn.exportReturns());
      }
      const us = ((performance.now() - start) * 1000 * blocks) / calls;
      if (block >= 0) samples[i]!.push(us); // block -1 warms up
    }
  }
  const us = samples.map(median);
  return {
    calls,
    referenceUs: us[0]!,
    applyUs: us[1]!,
    rows: functions.map(({ label, fn }, i) => [
      label,
      fmt(fn.exportArgs().length + fn.exportReturns().length),
      fmt(us[i]!, 1),
    ]),
  };
}

function exportPriceSection({ calls, rows }: ExportPrice) {
  sections.push({
    title: `convex-test's price per call: the validators serialised and parsed back (${fmt(calls)} calls)`,
    header: ["function", "validator JSON (chars)", "µs / call"],
    rows,
    note:
      "convex-test's `resolveFunction` runs `JSON.parse(exportArgs())` and `JSON.parse(exportReturns())` on every call, nested calls included, " +
      "then walks the arguments and the result with its own `validateValidator`, where each union member that does not match throws an Error " +
      "(a stack trace each: a `null` in a nullable field costs one). A Convex deployment serialises validators once, at push, and validates in its own runtime. " +
      "The same walk checks every inserted or replaced document against the table's schema: the package's session document has more fields, several of them nullable.",
  });
}

async function verifierPrice(calls: number) {
  const t = benchApp();
  await seedSessions(t, {
    userId: "user_notes",
    count: 1,
    status: "active",
    updatedAt: NOW,
  });
  await t.run(async (ctx) => {
    for (let i = 0; i < 10; i++)
      await ctx.db.insert("notes", { userId: "user_notes", text: `note ${i}` });
  });
  const me = t.withIdentity({
    subject: "user_notes",
    sid: "sess_user_notes_0",
  });
  const queries = [
    { label: "bare query (any valid token)", ref: api.measure.notesBare },
    {
      label: "through customCtx (session must be live)",
      ref: api.measure.notesVerified,
    },
  ] as const;
  const totals = queries.map(() => 0);
  for (const { ref } of queries) await me.query(ref, {});
  const block = 100;
  for (let done = 0; done < calls; done += block) {
    for (const [i, { ref }] of queries.entries()) {
      const start = performance.now();
      for (let k = 0; k < block; k++) await me.query(ref, {});
      totals[i]! += performance.now() - start;
    }
  }
  const us = totals.map((ms) => (ms * 1000) / calls);
  const rows: Row[] = [];
  for (const [i, { label, ref }] of queries.entries()) {
    const m = await me.query(ref, {});
    rows.push([
      label,
      fmt(m.databaseQueries),
      fmt(m.documentsRead),
      fmt(m.bytesRead),
      fmt(us[i]!),
      fmt(us[i]! / us[0]!, 2),
    ]);
  }
  sections.push({
    title: `The verifier's price: the caller's 10 latest notes, bare and through customCtx (${fmt(calls)} calls each)`,
    header: [
      "query",
      "index lookups",
      "docs read",
      "bytes read",
      "µs / call",
      "ratio to bare",
    ],
    rows,
    note: "The check reads the caller's stored session and the user's deletion record (so a deleted user's sessions are refused before the deletion's batches reach them): two index lookups and one document more than the bare query, at any table size.",
  });
}

async function seeded(count: number) {
  const t = benchApp();
  await seedSessions(
    t,
    { userId: "user_bulk", count, status: "active", updatedAt: NOW },
    1_000,
  );
  return t;
}

async function readsBySize(sizes: number[]) {
  const rows: Row[] = [];
  const webhookRows: Row[] = [];
  for (const size of sizes) {
    const t = await seeded(size);
    const sessionId = "sess_user_bulk_0";
    const me = t.withIdentity({ subject: "user_bulk", sid: sessionId });
    const whoami = await me.query(api.measure.whoami, {});
    const status = await me.query(api.measure.sessionStatus, { sessionId });
    rows.push([
      fmt(size),
      fmt(whoami.documentsRead),
      fmt(whoami.bytesRead),
      fmt(status.documentsRead),
      fmt(status.bytesRead),
    ]);
    const metrics = await averageMetrics(
      Array.from(
        { length: 20 },
        (_, i) => () =>
          t.mutation(api.measure.applyEvent, {
            event: componentEvent(i, `s${size}`),
          }),
      ),
    );
    const us = await timeDeliveries(
      t,
      "/clerk/webhook",
      signed(Array.from({ length: 50 }, (_, i) => createdEvent(i, `w${size}`))),
    );
    webhookRows.push([
      fmt(size),
      fmt(us),
      fmt(metrics.databaseQueries ?? 0, 1),
      fmt(metrics.documentsRead ?? 0, 1),
      fmt(metrics.documentsWritten ?? 0, 1),
    ]);
  }
  sections.push({
    title: "whoami and sessionStatus reads by stored sessions",
    header: [
      "stored sessions",
      "whoami docs read",
      "whoami bytes read",
      "sessionStatus docs read",
      "sessionStatus bytes read",
    ],
    rows,
    note: "Target: the same small constant at every size, at most 2 documents.",
  });
  sections.push({
    title: "Webhook cost by stored sessions",
    header: [
      "stored sessions",
      "µs / event",
      "index lookups / event",
      "docs read / event",
      "docs written / event",
    ],
    rows: webhookRows,
    note: "Target: flat document counts. convex-test scans its in-memory indexes, so its times grow with table size where a real deployment's do not.",
  });
}

async function userDeletion(sizes: number[]) {
  const rows: Row[] = [];
  // Enforced by convex-test: any transaction over these would fail the run.
  const limits = {
    documentsRead: 2 * DELETION_BATCH_SIZE + 10,
    documentsWritten: DELETION_BATCH_SIZE + 10,
  };
  for (const size of sizes) {
    const t = benchApp(limits);
    await seedSessions(
      t,
      {
        userId: "user_gone",
        count: size,
        status: "active",
        updatedAt: NOW,
      },
      100,
    );
    const start = performance.now();
    const event: SessionEvent = {
      kind: "user.deleted",
      userId: "user_gone",
      deletedAt: NOW + 1,
    };
    const first = await t.mutation(api.measure.applyEvent, { event });
    await drainDeletion(t, size);
    const ms = performance.now() - start;
    rows.push([
      fmt(size),
      fmt(Math.ceil(size / DELETION_BATCH_SIZE)),
      fmt(first.documentsRead),
      fmt(first.documentsWritten),
      `≤ ${limits.documentsWritten}`,
      fmt(ms, 1),
    ]);
  }
  sections.push({
    title: "user.deleted by sessions of the user",
    header: [
      "sessions",
      "transactions",
      "first tx docs read",
      "first tx docs written",
      "docs written per tx (enforced)",
      "total ms",
    ],
    rows,
    note: `Batches of ${DELETION_BATCH_SIZE}; convex-test enforced the per-transaction limits shown, far under Convex's 16,000 writes / 32,000 reads.`,
  });
}

/**
 * Runs scheduled batches until the user's sessions are all removed. With real
 * timers, convex-test runs a job once its time has passed on the clock, so
 * this waits a millisecond between rounds.
 */
async function drainDeletion(t: TestApp, expected: number) {
  for (let round = 0; round < 1_000; round++) {
    await t.finishAllScheduledFunctions(() => {}, 1_000);
    const counts = await countStatuses(t, 100);
    if ((counts.removed ?? 0) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`user.deleted did not finish for ${expected} sessions`);
}

function markdown(): string {
  const lines = [
    "# Benchmark results",
    "",
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, in-process on convex-test.`,
    "",
  ];
  for (const section of sections) {
    lines.push(
      `## ${section.title}`,
      "",
      `| ${section.header.join(" | ")} |`,
      `| ${section.header.map(() => "---").join(" | ")} |`,
    );
    for (const row of section.rows) lines.push(`| ${row.join(" | ")} |`);
    lines.push("", section.note, "");
  }
  return lines.join("\n");
}

/**
 * convex-test calls a component's module loaders on every use, and outside
 * vitest each call goes through Vite's module runner, which sets a timer:
 * Convex forbids timers in a mutation. The clerkSessions component's own
 * modules are loaded once by `preloadModules`; its workpool and batch worker
 * register their own maps, so each loader there is made to load once, here,
 * before anything runs (the maps are the objects their `register` passes).
 */
async function preloadChildComponents(): Promise<void> {
  for (const test of [workpoolTest, batchWorkerTest]) {
    const modules = test.modules as ModuleMap;
    Object.assign(modules, importOnce(modules));
    await Promise.all(
      Object.entries(modules)
        .filter(([path]) => !/\.test\.|convex\.config/.test(path))
        .map(([, load]) => load()),
    );
  }
}

export async function main(): Promise<void> {
  process.env.CLERK_WEBHOOK_SIGNING_SECRET = TEST_SECRET;
  await preloadBenchModules();
  await preloadChildComponents();
  const quick = process.env.BENCH_QUICK === "1";
  const exportPrice = measureExportPrice(quick ? 2_000 : 20_000);
  await routeVersusReference(quick ? 2 : 16, quick ? 20 : 50);
  await timeSplit(quick ? 2 : 8, quick ? 20 : 50);
  exportPriceSection(exportPrice);
  await verifierPrice(quick ? 200 : 2_000);
  await readsBySize(quick ? [10, 1_000] : [10, 10_000, 100_000]);
  await userDeletion(quick ? [1, 100] : [1, 100, 5_000]);
  const text = markdown();
  process.stdout.write(`${text}\n`);
  if (!quick) writeFileSync(new URL("./results.md", import.meta.url), text);
}
