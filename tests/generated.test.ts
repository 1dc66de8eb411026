// @vitest-environment node
/**
 * `_generated/` is committed (no deployment is reachable to run
 * `npx convex codegen`), so these tests keep it in step with the code and
 * with what the installed convex's own codegen templates write.
 */
import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, test } from "vitest";
import { components } from "../convex/_generated/api.js";
import benchApiSource from "../bench/app/_generated/api.ts?raw";
import appApiSource from "../convex/_generated/api.ts?raw";
import { renderComponentApi } from "../scripts/componentApi.js";
import {
  convexVersion,
  GENERATED_DIRS,
  renderGenerated,
} from "../scripts/convexCodegen.js";
import componentApiSource from "../src/component/_generated/component.ts?raw";
import componentApiModuleSource from "../src/component/_generated/api.ts?raw";
import type { ComponentApi } from "../src/component/_generated/component.js";

const NOT_FUNCTION_MODULES = /(^|\/)(schema|convex\.config|auth\.config)$/;

function functionModules(paths: string[], root: string): string[] {
  return paths
    .map((path) => path.slice(root.length).replace(/\.ts$/, ""))
    .filter(
      (path) =>
        !path.startsWith("_generated/") && !NOT_FUNCTION_MODULES.test(path),
    )
    .sort();
}

function modulesListedIn(apiSource: string): string[] {
  return [
    ...apiSource.matchAll(/import type \* as \w+ from "\.\.\/(.+)\.js";/g),
  ]
    .map((match) => match[1] ?? "")
    .sort();
}

describe("component _generated", () => {
  test("component.ts matches the component's functions and validators", () => {
    // convex.config.ts is left out: it loads the workpool's config, which
    // only Convex's bundler resolves.
    const loaded = import.meta.glob<Record<string, unknown>>(
      ["../src/component/*.ts", "!../src/component/convex.config.ts"],
      { eager: true },
    );
    const modules = Object.fromEntries(
      functionModules(Object.keys(loaded), "../src/component/").map((name) => [
        name,
        loaded[`../src/component/${name}.ts`] ?? {},
      ]),
    );
    expect(componentApiSource, "run `npm run codegen` to regenerate").toBe(
      renderComponentApi(modules),
    );
  });

  test("api.ts lists every module of the component", () => {
    const files = Object.keys(import.meta.glob("../src/component/*.ts"));
    expect(modulesListedIn(componentApiModuleSource)).toEqual(
      functionModules(files, "../src/component/"),
    );
  });
});

describe("example app _generated", () => {
  test("api.ts lists every module of convex/", () => {
    const files = Object.keys(import.meta.glob("../convex/*.ts"));
    expect(modulesListedIn(appApiSource)).toEqual(
      functionModules(files, "../convex/"),
    );
  });

  test("the benchmark app's api.ts lists every module of bench/app/", () => {
    const files = Object.keys(import.meta.glob("../bench/app/*.ts"));
    expect(modulesListedIn(benchApiSource)).toEqual(
      functionModules(files, "../bench/app/"),
    );
  });

  test("components.clerkSessions is the typed ComponentApi", () => {
    expectTypeOf(components.clerkSessions).toEqualTypeOf<
      ComponentApi<"clerkSessions">
    >();
    expectTypeOf(components.clerkSessions.sessions.get).not.toBeAny();
  });
});

const committed = (dir: string, file: string) =>
  readFileSync(
    new URL(`../${dir}/_generated/${file}`, import.meta.url),
    "utf8",
  );

describe(`_generated/ is what convex ${convexVersion}'s codegen writes`, () => {
  const files = GENERATED_DIRS.flatMap((app) =>
    ["server.ts", "dataModel.ts", "api.ts"].map((file) => ({
      path: `${app.dir}/_generated/${file}`,
      app,
      file,
    })),
  );
  test.each(files)("$path", async ({ app, file }) => {
    const rendered = await renderGenerated(app);
    expect(
      committed(app.dir, file),
      "run `npm run codegen` to regenerate",
    ).toBe(rendered[file]);
  });

  test("server.ts exports the typed env", () => {
    for (const app of GENERATED_DIRS) {
      const server = committed(app.dir, "server.ts");
      expect(server).toContain("type Env = {");
      expect(server).toContain("export const env: Env =");
    }
  });
});

describe("the drift check can fail", () => {
  test("a server.ts without the env export differs from convex's", async () => {
    const [app] = GENERATED_DIRS;
    const rendered = await renderGenerated(app!);
    const withoutEnv = rendered["server.ts"]!.replace(
      /\nexport const env: Env = [\s\S]*?\.process\.env;\n/,
      "\n",
    );
    expect(withoutEnv).not.toBe(rendered["server.ts"]);
  });

  test("a module missing from api.ts differs from convex's", async () => {
    const [app] = GENERATED_DIRS;
    const rendered = (await renderGenerated(app!))["api.ts"]!;
    expect(rendered).toContain("sessions: typeof sessions;");
    expect(rendered.replace("  sessions: typeof sessions;\n", "")).not.toBe(
      committed(app!.dir, "api.ts"),
    );
  });

  test("a changed validator renders differently", () => {
    const loaded = import.meta.glob<Record<string, unknown>>(
      "../src/component/sessions.ts",
      { eager: true },
    );
    const sessions = loaded["../src/component/sessions.ts"] ?? {};
    const get = sessions.get as { exportArgs: () => string };
    const changed = Object.assign(() => undefined, get, {
      exportArgs: () =>
        JSON.stringify({
          type: "object",
          value: {
            sessionId: { fieldType: { type: "number" }, optional: false },
          },
        }),
    });
    expect(renderComponentApi({ sessions: { get: changed } })).toContain(
      "{ sessionId: number }",
    );
    expect(renderComponentApi({ sessions: { get: changed } })).not.toBe(
      renderComponentApi({ sessions }),
    );
  });
});
