/**
 * What the doctor reads from an app directory: its Convex functions folder
 * (`convex.json`'s `functions`, else `convex/`), the three config files in
 * it, and the variables it needs from the shell and `.env.local` / `.env`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export type SourceFile = { path: string; source: string };

export type AppFiles = {
  /** The functions folder, relative to the app: `convex`. */
  functionsDir: string;
  convexConfig: SourceFile | null;
  http: SourceFile | null;
  authConfig: SourceFile | null;
  /** Looks a variable up in the environment given, then `.env.local`, then `.env`. */
  variable: (name: string) => { value: string; from: string } | null;
};

function readIfThere(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

function functionsFolder(appDir: string): string {
  const config = readIfThere(join(appDir, "convex.json"));
  if (config !== null) {
    try {
      const functions = (JSON.parse(config) as { functions?: unknown })
        .functions;
      if (typeof functions === "string") return functions.replace(/\/+$/, "");
    } catch {
      // An unreadable convex.json leaves Convex's default folder.
    }
  }
  return "convex";
}

/** `KEY=value` lines of a dotenv file (quotes and `export ` dropped, comments skipped). */
export function parseDotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match =
      /^\s*(?:export\s+)?([A-Za-z_][\w]*)\s*=\s*(.*?)\s*(?:#.*)?$/.exec(line);
    if (!match?.[1]) continue;
    const raw = match[2] ?? "";
    values.set(match[1], raw.replace(/^(["'])(.*)\1$/, "$2"));
  }
  return values;
}

export function readApp(
  appDir: string,
  env: Record<string, string | undefined>,
): AppFiles {
  const functionsDir = functionsFolder(appDir);
  const file = (name: string): SourceFile | null => {
    for (const ext of [".ts", ".js", ".mts", ".mjs"]) {
      const path = join(appDir, functionsDir, name + ext);
      const source = readIfThere(path);
      if (source !== null) return { path: relative(appDir, path), source };
    }
    return null;
  };
  const dotenvs = [".env.local", ".env"].map((name) => ({
    name,
    values: parseDotenv(readIfThere(join(appDir, name)) ?? ""),
  }));
  return {
    functionsDir,
    convexConfig: file("convex.config"),
    http: file("http"),
    authConfig: file("auth.config"),
    variable: (name) => {
      const fromEnv = env[name];
      if (fromEnv) return { value: fromEnv, from: "the environment" };
      for (const { name: from, values } of dotenvs) {
        const value = values.get(name);
        if (value) return { value, from };
      }
      return null;
    },
  };
}
