// `npm run check:deploy`: Convex's own CLI bundles the example app (this
// repo's convex/) and the app `check:package` builds from the packed tarball,
// offline: `convex deploy --write-push-request` runs the whole bundling and
// component-graph step, writes the push request to a file and sends nothing
// (run here in a network namespace of its own when the system allows, so any
// attempt to reach out would fail). Then the written requests are checked:
// every function module is there, no default-runtime module imports a Node
// built-in, and each module (with the chunks it loads) and the total stay
// under the budgets printed below.
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  cpSync,
} from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { buildInstalledApp } from "./check-package.mjs";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const KB = 1024;
/** A module's own code plus every chunk it loads, minified as Convex does not (identifiers only). */
const MODULE_BUDGET = 256 * KB;
/**
 * The example app's modules that call Clerk's Backend API, the only ones
 * that carry `@clerk/backend` (unminified here, about 350 KB with zod).
 */
const CLERK_API_MODULES = new Set(["clerkSync.js", "devices.js"]);
const CLERK_API_MODULE_BUDGET = 512 * KB;
const CLERK_LIBRARY = /^\/\/ \S*node_modules\/@clerk\/(backend|shared)\//m;
/** Everything one push carries: app and component modules, chunks, schema and definitions. */
const TOTAL_BUDGET = 1536 * KB;

/** The app module that mounts the webhook route, the only one that needs svix. */
const WEBHOOK_MODULE = "http.js";
/** esbuild's path comments in the bundle mark where svix's code went. */
const WEBHOOK_LIBRARY =
  /^\/\/ \S*node_modules\/(svix|standardwebhooks|fast-sha256)\//m;

const kb = (bytes) => `${(bytes / KB).toFixed(1)} KB`;

/** Runs `command` with no network at all when an unprivileged namespace is available. */
function isolated() {
  for (const flags of [["-n"], ["-rn"]]) {
    const probe = spawnSync("unshare", [...flags, "true"], { stdio: "ignore" });
    if (probe.status === 0)
      return {
        prefix: ["unshare", ...flags],
        note: `in a network namespace of its own (unshare ${flags.join(" ")})`,
      };
  }
  return {
    prefix: [],
    note: "with the network as is (no unshare here); the CLI is pointed at a closed loopback port",
  };
}

/** `convex deploy` of the app in `dir` with its installed convex, writing the request. */
function writePushRequest(dir, label) {
  const out = join(mkdtempSync(join(tmpdir(), "push-")), "request");
  const cli = join(dir, "node_modules", "convex", "bin", "main.js");
  const version = JSON.parse(
    readFileSync(join(dir, "node_modules", "convex", "package.json"), "utf8"),
  ).version;
  const { prefix, note } = isolated();
  const args = [
    cli,
    "deploy",
    "--url",
    "http://127.0.0.1:9",
    "--admin-key",
    "offline-check",
    "--write-push-request",
    out,
    "--push-all-modules",
    "--typecheck",
    "disable",
    "--codegen",
    "disable",
    "-y",
  ];
  const command = prefix.length > 0 ? prefix[0] : process.execPath;
  const commandArgs =
    prefix.length > 0 ? [...prefix.slice(1), process.execPath, ...args] : args;
  console.log(
    `$ convex ${args.slice(1).join(" ")}   (${label}, convex ${version}, ${note})`,
  );
  execFileSync(command, commandArgs, {
    cwd: dir,
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  const file = `${out}.json`;
  if (!existsSync(file))
    throw new Error(`${label}: the CLI wrote no push request`);
  return { request: JSON.parse(readFileSync(file, "utf8")), version };
}

/** Modules convex's entry-point walk makes of a flat folder, with their bundled names. */
function expectedModules(dir, { withAuthConfig }) {
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .filter(
      (name) =>
        /\.(ts|js)$/.test(name) &&
        !name.endsWith(".d.ts") &&
        !name.startsWith(".") &&
        !/^schema\.(ts|js)$/.test(name) &&
        (name.match(/\./g) ?? []).length === 1,
    )
    .map((name) => name.replace(/\.(ts|js)$/, ".js"));
  if (
    withAuthConfig &&
    readdirSync(dir).some((name) => /^auth\.config\.(ts|js)$/.test(name))
  )
    names.push("auth.config.js");
  return names.sort();
}

const BUILTINS = new Set(
  builtinModules.flatMap((name) => [name, `node:${name}`]),
);

/** Every specifier a bundled module imports, statically or not. */
function importsOf(source) {
  const found = [];
  for (const pattern of [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ])
    for (const [, specifier] of source.matchAll(pattern)) found.push(specifier);
  return found;
}

/**
 * Checks one module set (an app's or a component's): each expected module is
 * there, no isolate module imports a Node built-in, and the code each module
 * loads (itself and its chunks, transitively) is within budget.
 */
function checkModules(label, modules, expected, problems, rows) {
  const byPath = new Map(modules.map((module) => [module.path, module]));
  for (const name of expected)
    if (!byPath.has(name))
      problems.push(`${label}: ${name} is missing from the push request`);
  for (const module of modules) {
    if (module.environment !== "isolate") continue;
    const builtins = importsOf(module.source).filter((specifier) =>
      BUILTINS.has(specifier),
    );
    if (builtins.length > 0)
      problems.push(
        `${label}: ${module.path} (default runtime) imports ${builtins.join(", ")}`,
      );
  }
  /** The module and every chunk it imports, transitively. */
  const loaded = (path, seen = new Map()) => {
    const module = byPath.get(path);
    if (seen.has(path) || !module) return seen;
    seen.set(path, module.source);
    for (const specifier of importsOf(module.source)) {
      if (!specifier.startsWith(".")) continue;
      loaded(posix.normalize(posix.join(posix.dirname(path), specifier)), seen);
    }
    return seen;
  };
  for (const module of modules) {
    if (module.path.startsWith("_deps/")) continue;
    const sources = [...loaded(module.path).values()];
    const bytes = sources.reduce((sum, source) => sum + source.length, 0);
    if (
      module.path !== WEBHOOK_MODULE &&
      sources.some((source) => WEBHOOK_LIBRARY.test(source))
    )
      problems.push(
        `${label}: ${module.path} loads the svix verifier, which only the webhook route (${WEBHOOK_MODULE}) needs`,
      );
    const callsClerk = CLERK_API_MODULES.has(module.path);
    if (!callsClerk && sources.some((source) => CLERK_LIBRARY.test(source)))
      problems.push(
        `${label}: ${module.path} loads @clerk/backend, which only the modules that call Clerk need`,
      );
    const budget = callsClerk ? CLERK_API_MODULE_BUDGET : MODULE_BUDGET;
    if (bytes > budget)
      problems.push(
        `${label}: ${module.path} loads ${kb(bytes)}, over ${kb(budget)}`,
      );
    rows.push([
      label,
      module.path,
      module.environment,
      kb(module.source.length),
      kb(bytes),
      kb(budget),
    ]);
  }
}

/** A component's package (or folder, for one in the repo) from its definition path. */
function componentName(definitionPath) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(definitionPath);
  return match ? match[1] : definitionPath.replace(/^(\.\.\/)+/, "");
}

/**
 * Checks one push request, its components included (their folders are
 * relative to the app's convex/); returns its total size.
 */
function checkRequest(label, request, appDir, problems, rows) {
  const app = request.appDefinition;
  checkModules(
    label,
    app.changedModules,
    expectedModules(appDir, { withAuthConfig: true }),
    problems,
    rows,
  );
  for (const extra of [app.schema, app.definition].filter(Boolean))
    rows.push([
      label,
      extra.path,
      "definition",
      kb(extra.source.length),
      kb(extra.source.length),
      "",
    ]);
  let total = [...app.changedModules, app.schema, app.definition]
    .filter(Boolean)
    .reduce((sum, module) => sum + module.source.length, 0);
  for (const component of request.componentDefinitions) {
    const dir = join(appDir, component.definitionPath);
    const name = `${label} › ${componentName(component.definitionPath)}`;
    checkModules(
      name,
      component.functions,
      expectedModules(dir, { withAuthConfig: false }),
      problems,
      rows,
    );
    total += [...component.functions, component.schema, component.definition]
      .filter(Boolean)
      .reduce((sum, module) => sum + module.source.length, 0);
  }
  if (total > TOTAL_BUDGET)
    problems.push(
      `${label}: the push carries ${kb(total)}, over ${kb(TOTAL_BUDGET)}`,
    );
  return total;
}

/** The example app, copied so the CLI cannot touch the repo. */
function exampleAppCopy(work) {
  const dir = join(work, "example");
  for (const path of ["convex", "src", "convex.json", "package.json"])
    cpSync(join(repo, path), join(dir, path), { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

const work = mkdtempSync(join(tmpdir(), "convex-clerk-sessions-deploy-"));
const problems = [];
const rows = [];
const totals = [];
try {
  const example = exampleAppCopy(work);
  const exampleRequest = writePushRequest(example, "example app");
  totals.push([
    "example app",
    checkRequest(
      "example app",
      exampleRequest.request,
      join(example, "convex"),
      problems,
      rows,
    ),
  ]);

  const { app } = buildInstalledApp(join(work, "installed"), {
    offline: true,
  });
  const installedRequest = writePushRequest(app, "installed app");
  const installedComponents = installedRequest.request.componentDefinitions.map(
    (component) => componentName(component.definitionPath),
  );
  if (!installedComponents.includes("convex-clerk-sessions"))
    problems.push(
      `installed app: no component from the installed package (${installedComponents.join(", ")})`,
    );
  totals.push([
    "installed app",
    checkRequest(
      "installed app",
      installedRequest.request,
      join(app, "convex"),
      problems,
      rows,
    ),
  ]);

  const header = [
    "push",
    "module",
    "runtime",
    "own",
    "with its chunks",
    "budget",
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i].length)),
  );
  for (const row of [header, ...rows])
    console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  for (const [label, bytes] of totals)
    console.log(`${label}: ${kb(bytes)} in all (budget ${kb(TOTAL_BUDGET)})`);
  console.log(
    `budgets: each module with the chunks it loads ≤ ${kb(MODULE_BUDGET)}, the modules that call Clerk (${[...CLERK_API_MODULES].join(", ")}) ≤ ${kb(CLERK_API_MODULE_BUDGET)}; each push ≤ ${kb(TOTAL_BUDGET)}`,
  );
  if (problems.length > 0) {
    for (const problem of problems) console.error(`check:deploy: ${problem}`);
    process.exitCode = 1;
  } else {
    console.log(
      "check:deploy: Convex's CLI bundles both apps; every function module is present, none in the default runtime imports a Node built-in, all within budget",
    );
  }
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  console.error(`check:deploy failed; its files are left in ${work}`);
  throw error;
}
