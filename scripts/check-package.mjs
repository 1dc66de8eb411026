// `npm run check:package`: packs this package, installs the tarball into a
// throw-away app outside the repo with only `convex` and `convex-helpers`
// beside it, writes the app's convex/ files from the README's "Install into
// an app" section alone, then runs a convex-test suite there and typechecks
// the app's convex/ folder as Convex's own tsconfig does, without @types/node.
// `buildInstalledApp` is shared with `npm run check:deploy`.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const ours = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const INSTALL_HEADING = "## Install into an app";

export function run(command, args, cwd, env = {}) {
  console.log(`$ ${command} ${args.join(" ")}   (in ${cwd})`);
  execFileSync(command, args, {
    cwd,
    stdio: "inherit",
    env: { ...process.env, CI: "true", ...env },
  });
}

/**
 * The `// convex/<file>` blocks of the README's install section, from its
 * heading to the next `## ` heading: what a new user copies.
 */
export function installSectionFiles() {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const start = readme.indexOf(`\n${INSTALL_HEADING}\n`);
  if (start === -1) throw new Error(`README has no "${INSTALL_HEADING}"`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const files = {};
  for (const [, block] of section.matchAll(
    /```ts\n(\/\/ convex\/[\s\S]*?)```/g,
  )) {
    const [first, ...rest] = block.split("\n");
    files[first.slice("// convex/".length)] = rest.join("\n");
  }
  return files;
}

/** convex/tsconfig.json as `npx convex dev` writes it for a new app. */
function convexTsconfig() {
  const require = createRequire(import.meta.url);
  const templates = join(
    dirname(require.resolve("convex/package.json")),
    "dist/cjs/cli/codegen_templates",
  );
  return require(join(templates, "tsconfig.js")).tsconfigCodegen();
}

const APP_TEST = `import { convexTest } from "convex-test";
import clerkSessionsTest from "convex-clerk-sessions/test";
import { Webhook } from "svix";
import { expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api";

const modules = import.meta.glob("../convex/**/*.*s");
const secret = "whsec_" + btoa("a secret for the installed app");

test("a signed webhook reaches the component and whoami reads it back", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", secret);
  const t = convexTest(undefined, modules);
  clerkSessionsTest.register(t);

  const body = JSON.stringify({
    type: "session.created",
    object: "event",
    data: { id: "sess_A", object: "session", user_id: "user_1", client_id: "client_1", status: "active", updated_at: Date.now() },
  });
  const now = new Date();
  const response = await t.fetch("/clerk/webhook", {
    method: "POST",
    body,
    headers: {
      "svix-id": "msg_1",
      "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
      "svix-signature": new Webhook(secret).sign("msg_1", now, body),
    },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ result: "applied" });

  const me = await t.withIdentity({ subject: "user_1", sid: "sess_A" }).query(api.sessions.whoami, {});
  expect(me).toMatchObject({ authenticated: true, sessionId: "sess_A", session: { status: "active" } });
});
`;

/**
 * Packs the package and installs it into `<work>/app`, an app made of the
 * install section's files and the `_generated/` convex's codegen writes.
 * With `offline`, installs from the npm cache alone, going online only for
 * what the cache lacks.
 */
export function buildInstalledApp(work, { offline = false } = {}) {
  const app = join(work, "app");
  mkdirSync(join(app, "convex", "_generated"), { recursive: true });
  mkdirSync(join(app, "tests"), { recursive: true });
  run("npm", ["pack", "--pack-destination", work], repo);
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
  if (!tarball) throw new Error("npm pack wrote no tarball");

  const dev = ours.devDependencies;
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify(
      {
        name: "installed-app",
        private: true,
        type: "module",
        dependencies: {
          "convex-clerk-sessions": `file:../${tarball}`,
          convex: dev.convex,
          "convex-helpers": ours.dependencies["convex-helpers"],
        },
        // For the app's own test only; convex/ is typechecked without them.
        devDependencies: {
          "convex-test": dev["convex-test"],
          vitest: dev.vitest,
          "@edge-runtime/vm": dev["@edge-runtime/vm"],
          typescript: dev.typescript,
          svix: ours.dependencies.svix ?? dev.svix,
        },
      },
      null,
      2,
    ),
  );

  const files = installSectionFiles();
  for (const [name, source] of Object.entries(files)) {
    writeFileSync(join(app, "convex", name), source);
  }
  writeFileSync(join(app, "convex", "tsconfig.json"), convexTsconfig());
  writeFileSync(join(app, "tests", "app.test.ts"), APP_TEST);
  writeFileSync(
    join(app, "vitest.config.ts"),
    `import { defineConfig } from "vitest/config";
export default defineConfig({
  test: {
    environment: "edge-runtime",
    server: { deps: { inline: ["convex-test", "convex-clerk-sessions"] } },
  },
});
`,
  );
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "ESNext",
          moduleResolution: "Bundler",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["vite/client"],
        },
        include: ["tests"],
      },
      null,
      2,
    ),
  );

  const install = (mode) =>
    run("npm", ["install", "--no-audit", "--no-fund", mode], app);
  if (!offline) install("--prefer-offline");
  else {
    try {
      install("--offline");
    } catch {
      // The cache lacks some package metadata (a lockfile install fetches
      // tarballs only): fetch what is missing.
      console.log("not everything is in the npm cache; installing online");
      install("--prefer-offline");
    }
  }
  run(
    "npx",
    [
      "tsx",
      join(repo, "scripts", "convexCodegen.ts"),
      "--app",
      join(app, "convex"),
      "--component",
      "clerkSessions=convex-clerk-sessions",
    ],
    repo,
  );
  return { app, files: Object.keys(files).sort() };
}

/**
 * Typechecks convex/ with Convex's own tsconfig, adding only `types: []` so
 * no @types package (@types/node above all) can stand in for a declaration.
 */
function typecheckConvexFolder(app) {
  const config = join(app, "convex", "tsconfig.json");
  const source = readFileSync(config, "utf8");
  const opening = '"compilerOptions": {';
  if (!source.includes(opening)) throw new Error("unexpected convex tsconfig");
  writeFileSync(
    config,
    source.replace(opening, `${opening}\n    "types": [],`),
  );
  run("npx", ["tsc", "-p", "convex"], app);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const work = mkdtempSync(join(tmpdir(), "convex-clerk-sessions-check-"));
  let app = join(work, "app");
  try {
    const built = buildInstalledApp(work);
    app = built.app;
    if (existsSync(join(app, "node_modules", "@types", "node")))
      console.log(
        "note: @types/node came in transitively; convex/ is still checked with types: []",
      );
    run("npx", ["vitest", "run"], app);
    // The bin as an app runs it: the install section's files pass its checks.
    run("npx", ["convex-clerk-sessions", "doctor"], app);
    typecheckConvexFolder(app);
    run("npx", ["tsc", "-p", "."], app);
    console.log(
      `check:package: the packed tarball installs; an app of the README's install section alone (${built.files.join(", ")}) answers a signed webhook, reads whoami, passes the doctor, and typechecks without @types/node`,
    );
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    console.error(`check:package failed; the app is left in ${app}`);
    throw error;
  }
}
