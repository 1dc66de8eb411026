/**
 * One wording for what zod found wrong, for webhook payloads and Backend API
 * answers alike: the path of the offending field, in Clerk's own snake_case
 * names, and what was expected there, never the value found.
 */
import type { core } from "zod/mini";

/** `userId` → `user_id`: the name Clerk's JSON and documentation use. */
function clerkName(key: PropertyKey): string {
  return typeof key === "number"
    ? `[${key}]`
    : String(key).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) =>
      typeof key === "number"
        ? `${text}${clerkName(key)}`
        : `${text}${text === "" ? "" : "."}${clerkName(key)}`,
    prefix,
  );
}

function expectation(issue: core.$ZodIssue, input: unknown): string {
  if (issue.code === "invalid_type") {
    return input === undefined ? "missing" : `expected ${issue.expected}`;
  }
  if (issue.code === "too_small" || issue.code === "too_big") {
    return issue.origin === "string"
      ? "expected a string of 1 to 256 characters"
      : "out of range";
  }
  if (issue.code === "invalid_value") return "not a value Clerk sends";
  return "invalid";
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = Object.hasOwn(value, key)
      ? (value as Record<PropertyKey, unknown>)[key]
      : undefined;
  }
  return value;
}

/**
 * `data.user_id: missing; data.updated_at: expected number`, from a failed
 * parse of `input`, each path starting at `prefix` (e.g. `data`).
 */
export function describeIssues(
  issues: readonly core.$ZodIssue[],
  input: unknown,
  prefix = "",
): string {
  return issues
    .map((issue) => {
      const path = pathOf(prefix, issue.path);
      const found = expectation(issue, valueAt(input, issue.path));
      return path === "" ? found : `${path}: ${found}`;
    })
    .join("; ");
}
