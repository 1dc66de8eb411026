/**
 * A small static reader for an app's Convex config files. The TypeScript
 * compiler would parse them exactly, but it is only a devDependency here and
 * an app's `npx` run must not need it, so the doctor reads at the token
 * level. Its limits, by design: it sees what is written in the file itself
 * (no values computed, imported or spread in from elsewhere), string
 * literals in single, double or back quotes without `${}`, and comments of
 * both kinds; code it cannot follow is reported as not found, never guessed.
 */

/** The source with comments blanked (strings kept), so no commented-out code counts. */
export function stripComments(source: string): string {
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] ?? "";
    const next = source[i + 1] ?? "";
    if (quote !== null) {
      out += char;
      if (char === "\\") {
        out += next;
        i++;
      } else if (char === quote) {
        quote = null;
      }
      continue;
    }
    if (char === '"' || char === "'" || char === "`") {
      quote = char;
      out += char;
    } else if (char === "/" && next === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      out += "\n";
    } else if (char === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop - 1;
    } else {
      out += char;
    }
  }
  return out;
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/**
 * The text between the bracket at `open` and its partner (exclusive), or
 * null when it is not closed. Strings are skipped; comments must already
 * be stripped.
 */
export function enclosed(source: string, open: number): string | null {
  const depth: string[] = [];
  let quote: string | null = null;
  for (let i = open; i < source.length; i++) {
    const char = source[i] ?? "";
    if (quote !== null) {
      if (char === "\\") i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") quote = char;
    else if (OPENERS[char]) depth.push(OPENERS[char]);
    else if (char === depth.at(-1)) {
      depth.pop();
      if (depth.length === 0) return source.slice(open + 1, i);
    }
  }
  return null;
}

/** Splits a list (an argument list, an array's or object's body) at its top-level commas. */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const char = list[i] ?? "";
    if (quote !== null) {
      if (char === "\\") i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'" || char === "`") quote = char;
    else if (char in OPENERS) depth++;
    else if (char === ")" || char === "]" || char === "}") depth--;
    else if (char === "," && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts.filter((part) => part !== "");
}

/** The value of a plain string literal (`"x"`, `'x'`, `` `x` `` without `${}`), else null. */
export function stringLiteral(expression: string): string | null {
  const match = /^(["'`])((?:\\.|(?!\1)[^\\])*)\1$/s.exec(expression.trim());
  if (!match || (match[1] === "`" && match[2]?.includes("${"))) return null;
  return (match[2] ?? "").replace(/\\(.)/g, "$1");
}

/** The top-level `key: value` pairs of an object literal's body; shorthand and spreads are skipped. */
export function objectProperties(body: string): Map<string, string> {
  const properties = new Map<string, string>();
  for (const part of splitTopLevel(body)) {
    const match = /^(["']?)([A-Za-z_$][\w$]*)\1\s*:\s*([\s\S]*)$/.exec(part);
    if (match?.[2] !== undefined) properties.set(match[2], match[3] ?? "");
  }
  return properties;
}

/** Escapes a name for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The local names bound by `import ... from "<module>"` for one of
 * `modules`: the default import, or the named import `named` (aliases
 * followed).
 */
export function importedNames(
  source: string,
  modules: readonly string[],
  named: string | null,
): string[] {
  const names: string[] = [];
  const pattern = /import\s+(?!type\b)([\s\S]*?)\s+from\s+(["'])([^"']+)\2/g;
  for (const match of source.matchAll(pattern)) {
    if (!modules.includes(match[3] ?? "")) continue;
    const clause = match[1] ?? "";
    if (named === null) {
      const fallback = /^([A-Za-z_$][\w$]*)/.exec(clause);
      if (fallback?.[1]) names.push(fallback[1]);
      continue;
    }
    const braces = /\{([\s\S]*)\}/.exec(clause)?.[1] ?? "";
    for (const item of splitTopLevel(braces)) {
      const [imported, local] = item
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .map((word) => word.trim());
      if (imported === named) names.push(local ?? imported);
    }
  }
  return names;
}

/** Argument lists of every call `name(...)` in the source. */
export function callArguments(source: string, name: string): string[][] {
  const calls: string[][] = [];
  const pattern = new RegExp(`(?<![\\w$.])${escapeRegExp(name)}\\s*\\(`, "g");
  for (const match of source.matchAll(pattern)) {
    const open = match.index + match[0].length - 1;
    const args = enclosed(source, open);
    if (args !== null) calls.push(splitTopLevel(args));
  }
  return calls;
}
