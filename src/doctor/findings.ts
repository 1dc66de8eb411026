/**
 * What the doctor reports: one line per finding, each saying what it saw
 * and, for anything short of "ok", what to do about it.
 */

/** `problem` makes the doctor exit non-zero; `warning` and `info` do not. */
export type FindingLevel = "ok" | "problem" | "warning" | "info";

export type Finding = {
  level: FindingLevel;
  /** The file or thing checked: `convex/http.ts`, `token`, `webhook`. */
  subject: string;
  /** One line: what was found and what to do. Never a token or a secret claim value. */
  message: string;
};

const LABELS: Record<FindingLevel, string> = {
  ok: "ok     ",
  problem: "problem",
  warning: "warning",
  info: "info   ",
};

export const ok = (subject: string, message: string): Finding => ({
  level: "ok",
  subject,
  message,
});
export const problem = (subject: string, message: string): Finding => ({
  level: "problem",
  subject,
  message,
});
export const warning = (subject: string, message: string): Finding => ({
  level: "warning",
  subject,
  message,
});
export const info = (subject: string, message: string): Finding => ({
  level: "info",
  subject,
  message,
});

/** `problem  convex/http.ts: ...`, one line per finding. */
export function formatFinding(finding: Finding): string {
  return `${LABELS[finding.level]}  ${finding.subject}: ${finding.message}`;
}

/** "2 problems, 1 warning." */
export function formatTally(findings: readonly Finding[]): string {
  const count = (level: FindingLevel) =>
    findings.filter((finding) => finding.level === level).length;
  const plural = (n: number, word: string) =>
    `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(count("problem"), "problem")}, ${plural(count("warning"), "warning")}.`;
}
