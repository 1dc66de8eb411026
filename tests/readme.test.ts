/**
 * The README's snippets are the example app's files, and its demo output is
 * what `npm run demo` prints: a story that reaches each verdict and refuses a
 * forged webhook.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import readme from "../README.md?raw";
import { playStory } from "../demo/story.js";

const appFiles = import.meta.glob<string>("../convex/*.ts", {
  query: "?raw",
  import: "default",
  eager: true,
});

/** The example app imports the package from source; an installed app from its name. */
function asInstalledApp(source: string): string {
  return source
    .replace(
      '"../src/component/convex.config.js"',
      '"convex-clerk-sessions/convex.config"',
    )
    .replace('"../src/client/core/index.js"', '"convex-clerk-sessions"')
    .replace(
      '"../src/client/clerkApi/index.js"',
      '"convex-clerk-sessions/clerk-api"',
    )
    .replace(
      '"../src/client/webhook/index.js"',
      '"convex-clerk-sessions/webhook"',
    );
}

function fencedBlocks(language: string): string[] {
  const pattern = new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g");
  return [...readme.matchAll(pattern)].map((match) => match[1] ?? "");
}

afterEach(() => vi.unstubAllEnvs());

describe("README", () => {
  const fileBlocks = fencedBlocks("ts").filter((block) =>
    block.startsWith("// convex/"),
  );

  test("shows convex.config.ts, sessions.ts, http.ts and auth.config.ts", () => {
    const shown = fileBlocks.map((block) => block.split("\n")[0]);
    for (const name of [
      "auth.config.ts",
      "convex.config.ts",
      "http.ts",
      "sessions.ts",
    ]) {
      expect(shown).toContain(`// convex/${name}`);
    }
  });

  // A later section may show a file again, grown (sessions.ts with
  // `onEvent`): the last one shown is the example app's file. The install
  // section alone makes an app, which `npm run check:package` builds.
  const lastShown = new Map(
    fileBlocks.map((block) => [
      block.split("\n")[0]?.slice("// convex/".length) ?? "",
      block,
    ]),
  );

  test.each([...lastShown])(
    "its convex/%s is the example app's file",
    (name, block) => {
      const shown = block.slice(block.indexOf("\n") + 1);
      expect(shown).toBe(
        asInstalledApp(appFiles[`../convex/${name}`] ?? "missing"),
      );
    },
  );

  test("its demo output is what the demo prints, and the story reaches each verdict", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
    const lines: string[] = [];
    await playStory((line) => lines.push(line));
    expect(fencedBlocks("text")[0]).toBe(`${lines.join("\n")}\n`);
    const verdicts = lines
      .filter((line) => line.includes("->"))
      .map((line) => line.split("-> ")[1]);
    expect(verdicts).toEqual([
      "in_sync",
      "convex_stale_session",
      "convex_stale_session",
      "in_sync",
      "in_sync",
    ]);
    const answers = lines.flatMap(
      (line) => /HTTP (\d+) (.*)$/.exec(line)?.slice(1, 3).join(" ") ?? [],
    );
    expect(answers).toEqual([
      '200 {"result":"applied"}',
      '200 {"result":"duplicate"}',
      '200 {"result":"applied"}',
      '200 {"result":"applied"}',
      '200 {"result":"stale"}',
      '400 {"error":"no signature matches"}',
    ]);
  });
});
