/**
 * The `_generated/` files as the installed convex's own codegen writes them
 * after a push, rendered from its templates (no deployment is reachable
 * here to run `npx convex dev`). A push reports no declared env vars for
 * these apps, so `server.ts` carries the platform's `Env`.
 *
 *   tsx scripts/convexCodegen.ts   writes them
 *
 * `tests/generated.test.ts` compares the committed files with this output.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format } from "prettier";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// The templates are not in convex's `exports`; load them by file path.
const require = createRequire(import.meta.url);
const templates = join(
  dirname(require.resolve("convex/package.json")),
  "dist/cjs/cli/codegen_templates",
);
const load = <T>(name: string): T =>
  require(join(templates, `${name}.js`)) as T;

const { serverCodegen } = load<{
  serverCodegen: (opts: { useTypeScript: true; envVars: unknown[] }) => {
    TS: string;
  };
}>("server");
const { componentServerTS } = load<{
  componentServerTS: (isRoot: boolean, envVars: unknown[]) => string;
}>("component_server");
const { header, apiComment, compareModulePaths } = load<{
  header: (description: string) => string;
  apiComment: (name: string, visibility: string) => string;
  compareModulePaths: (a: string, b: string) => number;
}>("common");
const { importPath, moduleIdentifier } = load<{
  importPath: (modulePath: string) => string;
  moduleIdentifier: (modulePath: string) => string;
}>("api");

/**
 * One of convex's data model templates (with a schema, or without). Their
 * module also loads the CLI's logger, which is bundled into the CLI and not
 * installed, so the template literal is read from the file and evaluated
 * with convex's own `header`.
 */
function dataModelTS(hasSchema: boolean): string {
  const name = hasSchema
    ? "dynamicDataModelContent"
    : "NO_SCHEMA_DATA_MODEL_CONTENT";
  const source = readFileSync(join(templates, "dataModel.js"), "utf8");
  const match = new RegExp(`const ${name} = (\`[\\s\\S]*?\`);\\n`).exec(source);
  if (!match?.[1])
    throw new Error(`convex ${convexVersion}: no data model template found`);
  const render = new Function(
    "import_common",
    `return ${match[1]};`,
  ) as (common: { header: typeof header }) => string;
  return render({ header });
}

/** The installed convex's version, for messages. */
export const convexVersion = (
  require("convex/package.json") as { version: string }
).version;

/** Formatted the way the CLI writes every generated file. */
async function formatted(source: string): Promise<string> {
  return await format(source, { parser: "typescript" });
}

export type App = {
  /** The functions folder, relative to the repo (or absolute). */
  dir: string;
  /** Whether the folder defines a component rather than an app. */
  isComponent: boolean;
  /**
   * Child components used with `app.use`: the name, and where its
   * `_generated/component.js` is imported from (relative to `_generated/`,
   * or a package name).
   */
  children: { name: string; from: string }[];
};

/** The three folders whose `_generated/` this repo commits. */
export const GENERATED_DIRS: App[] = [
  {
    dir: "convex",
    isComponent: false,
    children: [{ name: "clerkSessions", from: "../../src/component" }],
  },
  {
    dir: "src/component",
    isComponent: true,
    children: [
      { name: "deletionPool", from: "@convex-dev/workpool" },
      { name: "backendApiLimiter", from: "@convex-dev/rate-limiter" },
    ],
  },
  {
    dir: "bench/app",
    isComponent: false,
    children: [{ name: "clerkSessions", from: "../../../src/component" }],
  },
];

/**
 * The function modules convex's entry-point walk finds in a flat folder:
 * .ts/.js files, not `schema`, nothing with more than one dot (so neither
 * `convex.config.ts` nor `auth.config.ts`), none hidden.
 */
export function functionModules(dir: string): string[] {
  return readdirSync(resolve(repo, dir), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .filter(
      (name) =>
        /\.(ts|tsx|js|jsx|mjs|cjs)$/.test(name) &&
        !name.startsWith(".") &&
        !name.startsWith("#") &&
        !/^schema\.(ts|js)$/.test(name) &&
        (name.match(/\./g) ?? []).length === 1,
    )
    .sort(compareModulePaths);
}

/**
 * `api.ts` as the CLI writes it once a push has analysed the folder, in the
 * shape of convex's `componentApiTSWithTypes` (dynamic api, component api
 * imports): the modules, `api`, `internal`, then each child component.
 */
async function renderApi(app: App): Promise<string> {
  const modules = functionModules(app.dir);
  const lines = [header("Generated `api` utility.")];
  for (const module of modules)
    lines.push(
      `import type * as ${moduleIdentifier(module)} from "../${importPath(module)}.js";`,
    );
  lines.push(`
    import type {
      ApiFromModules,
      FilterApi,
      FunctionReference,
    } from "convex/server";
    import { anyApi, componentsGeneric } from "convex/server";

    const fullApi: ApiFromModules<{
  `);
  for (const module of modules)
    lines.push(
      `  "${importPath(module)}": typeof ${moduleIdentifier(module)},`,
    );
  lines.push(`}> = anyApi as any;`);
  lines.push(`
    ${apiComment("api", "public")}
    export const api: FilterApi<typeof fullApi, FunctionReference<any, "public">> = anyApi as any;
    ${apiComment("internal", "internal")}
    export const internal: FilterApi<typeof fullApi, FunctionReference<any, "internal">> = anyApi as any;
  `);
  lines.push(`
  export const components = componentsGeneric() as unknown as {`);
  for (const child of app.children) {
    lines.push(
      `  "${child.name}": import("${child.from}/_generated/component.js").ComponentApi<"${child.name}">,`,
    );
  }
  lines.push("};");
  return await formatted(lines.join("\n"));
}

/** Every generated file of one folder: file name to contents. */
export async function renderGenerated(
  app: App,
): Promise<Record<string, string>> {
  return {
    "server.ts": await formatted(
      app.isComponent
        ? componentServerTS(false, [])
        : serverCodegen({ useTypeScript: true, envVars: [] }).TS,
    ),
    "dataModel.ts": await formatted(
      dataModelTS(existsSync(resolve(repo, app.dir, "schema.ts"))),
    ),
    "api.ts": await renderApi(app),
  };
}

/** Writes every generated file of `app` into its `_generated/`. */
export async function writeGenerated(app: App): Promise<void> {
  for (const [file, contents] of Object.entries(await renderGenerated(app))) {
    const target = resolve(repo, app.dir, "_generated", file);
    writeFileSync(target, contents);
    console.log(`wrote ${target} (convex ${convexVersion})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `--app <dir> [--component <name>=<from>]`: an app outside the repo.
  const args = process.argv.slice(2);
  const dir = args[args.indexOf("--app") + 1];
  const apps: App[] = args.includes("--app")
    ? [
        {
          dir: dir ?? "",
          isComponent: false,
          children: args.flatMap((arg, i) => {
            if (args[i - 1] !== "--component") return [];
            const [name = "", from = ""] = arg.split("=");
            return [{ name, from }];
          }),
        },
      ]
    : GENERATED_DIRS;
  for (const app of apps) await writeGenerated(app);
}
