#!/usr/bin/env node
/**
 * `npx convex-clerk-sessions doctor [--dir <app>] [--token <jwt> | --token -]`.
 * `--token -` (or `--token` alone) reads the token from stdin, which keeps
 * it out of the shell's history. Exits 1 when a check finds a problem.
 */
import { runDoctor } from "./runDoctor.js";

const USAGE = `usage: convex-clerk-sessions doctor [--dir <app directory>] [--token <jwt> | --token -]

Checks the app's convex/convex.config.ts, http.ts and auth.config.ts for this
package, offline. With --token, decodes a Clerk session token locally (it is
sent nowhere) and says whether Convex and this package can use it; --token -
reads it from stdin.`;

type Parsed =
  { dir: string; token: string | "stdin" | null } | { error: string };

function parse(args: string[]): Parsed {
  const [command, ...rest] = args;
  if (command !== "doctor") return { error: USAGE };
  let dir = process.cwd();
  let token: string | "stdin" | null = null;
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = (rest[i] ?? "").split(/=(.*)/s, 2);
    const value = inline ?? rest[i + 1];
    const takesNext =
      inline === undefined && value !== undefined && !value.startsWith("--");
    if (flag === "--dir" && value !== undefined) {
      dir = value;
      if (inline === undefined) i++;
    } else if (flag === "--token") {
      const given = takesNext || inline !== undefined ? value : "-";
      if (takesNext) i++;
      token = given === "-" || given === undefined ? "stdin" : given;
    } else {
      return { error: `unknown option ${flag ?? ""}\n\n${USAGE}` };
    }
  }
  return { dir, token };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    process.stderr.write("Paste the token, then press Enter: ");
  let text = "";
  for await (const chunk of process.stdin) {
    text += String(chunk);
    // A pasted token ends at its line: no need to wait for end of input.
    if (process.stdin.isTTY && text.includes("\n")) break;
  }
  return text.trim().split(/\s+/)[0] ?? "";
}

async function main(): Promise<number> {
  const parsed = parse(process.argv.slice(2));
  if ("error" in parsed) {
    process.stderr.write(`${parsed.error}\n`);
    return 2;
  }
  const token = parsed.token === "stdin" ? await readStdin() : parsed.token;
  const result = runDoctor({ appDir: parsed.dir, token, env: process.env });
  process.stdout.write(`${result.lines.join("\n")}\n`);
  return result.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `doctor failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  },
);
