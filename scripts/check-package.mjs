// `npm run check:package`: packs this package, installs the tarball into a
// throw-away app outside the repo, writes the app's convex/ files from the
// README's snippets, then runs a convex-test suite there and typechecks it.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const ours = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const work = mkdtempSync(join(tmpdir(), "convex-clerk-sessions-check-"));
const app = join(work, "app");

function run(command, args, cwd) {
  console.log(`$ ${command} ${args.join(" ")}   (in ${cwd})`);
  execFileSync(command, args, {
    cwd,
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
}

/** The README's `// convex/<file>` blocks, as an installed app writes them. */
function readmeFiles() {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const files = {};
  for (const [, block] of readme.matchAll(
    /```ts\n(\/\/ convex\/[\s\S]*?)```/g,
  )) {
    const [first, ...rest] = block.split("\n");
    files[first.slice("// convex/".length)] = rest.join("\n");
  }
  return files;
}

/** The example app's file with the package imported by name. */
function asInstalled(source) {
  return source
    .replaceAll(
      '"../src/component/convex.config.js"',
      '"convex-clerk-sessions/convex.config"',
    )
    .replaceAll('"../src/client/index.js"', '"convex-clerk-sessions"');
}

function apiTs(modules) {
  const names = modules.sort();
  return `/* eslint-disable */
// Written by check-package the way \`npx convex codegen\` writes it.
${names.map((m) => `import type * as ${m} from "../${m}.js";`).join("\n")}
import type { ApiFromModules, FilterApi, FunctionReference } from "convex/server";
import { anyApi, componentsGeneric } from "convex/server";

const fullApi: ApiFromModules<{
${names.map((m) => `  ${m}: typeof ${m};`).join("\n")}
}> = anyApi as any;

export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;
export const components = componentsGeneric() as unknown as {
  clerkSessions: import("convex-clerk-sessions/_generated/component.js").ComponentApi<"clerkSessions">;
};
`;
}

const APP_TEST = `import { convexTest } from "convex-test";
import clerkSessionsTest from "convex-clerk-sessions/test";
import { Webhook } from "svix";
import { expect, test, vi } from "vitest";
import { api } from "../convex/_generated/api";
import schema from "../convex/schema";

const modules = import.meta.glob("../convex/**/*.*s");
const secret = "whsec_" + btoa("a secret for the installed app");

test("a signed webhook reaches the component and whoami reads it back", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", secret);
  const t = convexTest(schema, modules);
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

try {
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
        devDependencies: {
          "convex-test": dev["convex-test"],
          vitest: dev.vitest,
          "@edge-runtime/vm": dev["@edge-runtime/vm"],
          typescript: dev.typescript,
          "@types/node": dev["@types/node"],
          svix: ours.dependencies.svix,
        },
      },
      null,
      2,
    ),
  );

  for (const [name, source] of Object.entries(readmeFiles())) {
    writeFileSync(join(app, "convex", name), source);
  }
  writeFileSync(
    join(app, "convex", "schema.ts"),
    asInstalled(readFileSync(join(repo, "convex", "schema.ts"), "utf8")),
  );
  for (const file of ["server.ts", "dataModel.ts"]) {
    cpSync(
      join(repo, "convex", "_generated", file),
      join(app, "convex", "_generated", file),
    );
  }
  const modules = readdirSync(join(app, "convex"))
    .filter(
      (name) =>
        name.endsWith(".ts") &&
        !/^(schema|convex\.config|auth\.config)\.ts$/.test(name),
    )
    .map((name) => name.replace(/\.ts$/, ""));
  writeFileSync(join(app, "convex", "_generated", "api.ts"), apiTs(modules));
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
          types: ["vite/client", "node"],
        },
        include: ["convex", "tests"],
      },
      null,
      2,
    ),
  );

  run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], app);
  run("npx", ["vitest", "run"], app);
  run("npx", ["tsc", "-p", "."], app);
  console.log(
    `check:package: the packed tarball installs, its webhook and whoami work, and the app typechecks (${modules.length} modules from the README)`,
  );
  rmSync(work, { recursive: true, force: true });
} catch (error) {
  console.error(`check:package failed; the app is left in ${app}`);
  throw error;
}
