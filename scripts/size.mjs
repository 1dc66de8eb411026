// `npm run size`: what each entry of the package and the usual app modules
// cost once bundled the way Convex bundles a default-runtime module (esbuild,
// esm, browser platform, the "convex" condition, `convex` itself external),
// here fully minified. Prints minified and gzipped bytes and fails when a
// scenario is over its budget.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const KB = 1024;

/** The package's own source for an export's `default` path in dist/. */
function sourceOf(distPath) {
  const base = distPath.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, "");
  for (const ext of [".ts", ".tsx"]) {
    try {
      readFileSync(join(repo, base + ext));
      return base + ext;
    } catch {
      // try the next extension
    }
  }
  throw new Error(`no source for ${distPath}`);
}

/** A module that re-exports everything `path` exports, its default included. */
function reexportAll(path) {
  const source = readFileSync(join(repo, path), "utf8");
  const withDefault = /^export default /m.test(source)
    ? `export { default } from "${path}";`
    : "";
  return `export * from "${path}";${withDefault}`;
}

/** Peer and test-only packages an app provides itself. */
const EXTERNAL = ["convex", "react", "react/jsx-runtime", "convex-test"];

/** Each entry's budget, minified; an entry without one fails the run. */
const ENTRY_BUDGETS = {
  ".": 16 * KB,
  // zod/mini is about half of it.
  "./webhook": 64 * KB,
  // Clerk's SDK is most of it (about 150 KB with @clerk/shared).
  "./clerk-api": 224 * KB,
  // The provider, recovery, and the diagnostics recorder the provider feeds.
  "./react": 24 * KB,
  // The panel, which only apps that import it carry.
  "./devtools": 12 * KB,
  "./convex.config": 4 * KB,
  "./_generated/component": 1 * KB,
  "./test": 12 * KB,
};

const entries = Object.entries(pkg.exports)
  .filter(
    ([name, target]) => typeof target === "object" && !name.endsWith(".js"),
  )
  .map(([name, target]) => ({
    name: `entry ${name}`,
    budget: ENTRY_BUDGETS[name] ?? 0,
    // Everything the entry exports, so nothing is shaken away.
    contents: reexportAll(sourceOf(target.default)),
  }));

/**
 * App modules as the README writes them, importing the package's source.
 * `budget` is in bytes, minified.
 */
const scenarios = [
  {
    name: "core only: api() and the verifier",
    budget: 40 * KB,
    // The core loads none of the boundary's libraries.
    forbidden: ["svix", "zod", "@clerk/backend", "@clerk/shared"],
    contents: `
      import { queryGeneric } from "convex/server";
      import { ClerkSessions } from "./src/client/core/index.ts";
      export const clerkSessions = new ClerkSessions({});
      export const { whoami, sessionStatus, prune } = clerkSessions.api();
      export const mine = queryGeneric({
        args: {},
        handler: async (ctx) => (await clerkSessions.requireActiveSession(ctx)).userId,
      });
      export const ctxWithSession = clerkSessions.customCtx();
    `,
  },
  {
    name: "webhook route (an app's http.ts)",
    budget: 72 * KB,
    contents: `
      import { httpRouter } from "convex/server";
      import { ClerkSessions } from "./src/client/core/index.ts";
      import { registerRoutes } from "./src/client/webhook/index.ts";
      const http = httpRouter();
      registerRoutes(http, new ClerkSessions({}));
      export default http;
    `,
  },
  {
    name: "Backend API (a sync action, devices)",
    // Clerk's SDK is most of it (about 150 KB with @clerk/shared).
    budget: 224 * KB,
    contents: `
      import { internalActionGeneric } from "convex/server";
      import { ClerkSessions } from "./src/client/core/index.ts";
      import { ClerkApi } from "./src/client/clerkApi/index.ts";
      const clerkApi = new ClerkApi(new ClerkSessions({}));
      export const syncMine = internalActionGeneric({
        args: {},
        handler: (ctx) => clerkApi.syncUserSessions(ctx, { userId: "u" }),
      });
      export const { mySessions, signOutSession, signOutOtherSessions } =
        clerkApi.devices();
    `,
  },
  {
    // The devtools panel is its own entry: an app that does not import it
    // must carry none of it.
    name: "a web app's provider, without the devtools panel",
    forbid: "src/devtools/",
    contents: `
      export { ConvexProviderWithClerkSessions, useSessionDiagnostics } from "./src/react/index.ts";
    `,
  },
  {
    name: "validators only (an app's schema.ts)",
    forbidden: ["svix", "zod", "@clerk/backend", "@clerk/shared"],
    budget: 8 * KB,
    contents: `
      export { vStoredSession, vSessionChangeType } from "./src/client/core/index.ts";
    `,
  },
];

async function measure({ contents, forbid }) {
  const result = await build({
    stdin: {
      contents,
      resolveDir: repo,
      loader: "ts",
      sourcefile: "module.ts",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "esnext",
    conditions: ["convex", "module"],
    external: EXTERNAL,
    define: { "process.env.NODE_ENV": '"production"' },
    treeShaking: true,
    minify: true,
    keepNames: true,
    metafile: true,
    logLevel: "error",
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.keys(Object.values(result.metafile.outputs)[0].inputs);
  const forbidden = forbid
    ? inputs.filter((path) => path.includes(forbid))
    : [];
  const packages = {};
  for (const [path, input] of Object.entries(
    Object.values(result.metafile.outputs)[0].inputs,
  )) {
    const match = path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const key = match ? match[1] : "this package";
    packages[key] = (packages[key] ?? 0) + input.bytesInOutput;
  }
  return {
    minified: code.length,
    gzipped: gzipSync(code).length,
    packages,
    forbidden,
  };
}

const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;
const rows = [];
let over = 0;
for (const scenario of [...entries, ...scenarios]) {
  const { minified, gzipped, packages, forbidden } = await measure(scenario);
  if (forbidden.length > 0) {
    console.error(`${scenario.name} bundles ${forbidden.join(", ")}`);
    over++;
  }
  const budget = scenario.budget;
  const verdict =
    budget === undefined
      ? ""
      : minified <= budget
        ? `≤ ${kb(budget)}`
        : `OVER ${kb(budget)}`;
  if (budget !== undefined && minified > budget) over++;
  for (const name of scenario.forbidden ?? []) {
    if (packages[name] !== undefined) {
      console.error(`size: ${scenario.name} loads ${name}`);
      over++;
    }
  }
  const biggest = Object.entries(packages)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${kb(bytes)}`)
    .join(", ");
  rows.push([scenario.name, kb(minified), kb(gzipped), verdict, biggest]);
}

const header = ["module", "minified", "gzipped", "budget", "largest parts"];
const widths = header.map((h, i) =>
  Math.max(h.length, ...rows.map((row) => row[i].length)),
);
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
console.log(
  "\nesbuild as Convex bundles a default-runtime module (esm, browser, conditions convex+module), minified; convex, react and convex-test external.",
);
if (over > 0) {
  console.error(`size: ${over} module(s) over budget`);
  process.exit(1);
}
console.log("size: every budgeted module is within budget");
