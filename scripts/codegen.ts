/**
 * Writes src/component/_generated/component.ts from the component's modules.
 * Run with `npm run codegen` after changing a component function's
 * arguments or return value.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { renderComponentApi } from "./componentApi.js";

const componentDir = join(
  dirname(fileURLToPath(import.meta.url)),
  "../src/component",
);

const modules: Record<string, Record<string, unknown>> = {};
for (const file of readdirSync(componentDir)) {
  if (!file.endsWith(".ts") || file.includes(".test.") || file === "schema.ts")
    continue;
  if (file === "convex.config.ts") continue;
  const url = pathToFileURL(join(componentDir, file)).href;
  modules[file.replace(/\.ts$/, "")] = (await import(url)) as Record<
    string,
    unknown
  >;
}

const target = join(componentDir, "_generated/component.ts");
writeFileSync(target, renderComponentApi(modules));
console.log(`wrote ${target}`);
