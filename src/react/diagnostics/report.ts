/**
 * `report()`: the timeline as plain text an app can log or attach to a bug
 * report. Session and org ids become labels (session A, org A) so reports
 * can be shared; tokens, keys and claim values never appear, and error
 * messages are scrubbed of anything shaped like one.
 */
import type { DiagnosticsEntry, DiagnosticsSides } from "./entries.js";
import type { DiagnosticsSnapshot } from "./recorder.js";

/** A JWT, or a Clerk / Svix key or id: what must never reach a report. */
const SECRET_SHAPES = [
  /[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g,
  /\b(?:sk|pk|whsec|sess|user|org|client|sms|ins)_[\w-]+/g,
];

/** Removes anything token- or key-shaped from a message. */
export function scrub(text: string): string {
  return SECRET_SHAPES.reduce(
    (out, shape) => out.replace(shape, "[redacted]"),
    text,
  );
}

/** Gives each id a letter in order of appearance: session A, session B. */
class Labels {
  private readonly seen = new Map<string, string>();
  constructor(private readonly noun: string) {}
  of(id: string | null): string {
    if (id === null) return `no ${this.noun}`;
    let label = this.seen.get(id);
    if (label === undefined) {
      label = `${this.noun} ${letters(this.seen.size)}`;
      this.seen.set(id, label);
    }
    return label;
  }
}

function letters(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26
    ? letter
    : `${letters(Math.floor(index / 26) - 1)}${letter}`;
}

/** How ids are written: labels in a report, the ids themselves on the developer's screen. */
export type EntryNames = {
  session: (id: string | null) => string;
  org: (id: string | null) => string;
};

/**
 * One entry in words: which side, and what it said.
 *
 * @example
 * describeEntry(entry, { session: (id) => id ?? "none", org: (id) => id ?? "none" });
 * // ["clerk", "signed in, sess_123, none"]
 */
export function describeEntry(
  entry: DiagnosticsEntry,
  names: EntryNames,
): [side: string, text: string] {
  switch (entry.kind) {
    case "clerk":
      return [
        "clerk",
        !entry.isLoaded
          ? "loading"
          : entry.isSignedIn
            ? `signed in, ${names.session(entry.sessionId)}, ${names.org(entry.orgId)}`
            : "signed out",
      ];
    case "convex":
      return [
        "convex",
        `${entry.isLoading ? "auth loading" : entry.isAuthenticated ? "authenticated" : "unauthenticated"}, ${connection(entry)}`,
      ];
    case "server":
      return [
        "server",
        entry.authenticated === null
          ? "whoami loading"
          : entry.authenticated
            ? `whoami ${names.session(entry.convexSessionId)} (${entry.convexSessionStatus ?? "?"}); Clerk's session ${entry.clerkSessionStatus ?? "not read"}`
            : `whoami unauthenticated; Clerk's session ${entry.clerkSessionStatus ?? "not read"}`,
      ];
    case "token_fetch": {
      const how = [
        entry.forced ? "forced" : "cached allowed",
        entry.skipCache ? "skip cache" : null,
      ]
        .filter(Boolean)
        .join(", ");
      const outcome =
        entry.outcome === "error"
          ? `failed: ${scrub(entry.error ?? "")}`
          : entry.outcome === "no_token"
            ? "no token"
            : "token";
      const changed =
        entry.changedClaims === null
          ? "first token"
          : entry.changedClaims.length === 0
            ? "no session claim changed"
            : `changed: ${entry.changedClaims.join(", ")}`;
      return [
        "token",
        `fetch (${how}): ${outcome} in ${Math.round(entry.durationMs)} ms${entry.outcome === "token" ? `; ${changed}` : ""}`,
      ];
    }
    case "verdict":
      return ["verdict", `${entry.previous ?? "none"} -> ${entry.verdict}`];
    case "recovery":
      return [
        "recovery",
        [
          entry.action,
          entry.attempt === null ? null : `attempt ${entry.attempt}`,
          entry.errorCode,
        ]
          .filter(Boolean)
          .join(", "),
      ];
    case "recovery_status":
      return [
        "recovery",
        `status ${entry.status} (${entry.attempts} tries${entry.errorCode ? `, ${entry.errorCode}` : ""})`,
      ];
  }
}

function connection(side: {
  connected: boolean | null;
  connectionCount: number | null;
  connectionRetries: number | null;
}): string {
  if (side.connected === null) return "socket state unknown";
  const count = (n: number | null, one: string, many: string) =>
    `${n ?? 0} ${n === 1 ? one : many}`;
  return `socket ${side.connected ? "connected" : "not connected"} (${count(side.connectionCount, "connection", "connections")}, ${count(side.connectionRetries, "retry", "retries")})`;
}

function summary(sides: DiagnosticsSides, names: EntryNames): string[] {
  const line = (entry: DiagnosticsEntry | null, fallback: string) =>
    entry ? describeEntry(entry, names)[1] : fallback;
  const at = { at: 0 };
  return [
    `  verdict:  ${sides.verdict ?? "none yet"}`,
    `  recovery: ${sides.recovery ? line({ ...at, kind: "recovery_status", ...sides.recovery }, "") : "not running (no queries)"}`,
    `  clerk:    ${sides.clerk ? line({ ...at, kind: "clerk", ...sides.clerk }, "") : "not seen yet"}`,
    `  convex:   ${sides.convex ? line({ ...at, kind: "convex", ...sides.convex }, "") : "not seen yet"}`,
    `  server:   ${sides.server ? line({ ...at, kind: "server", ...sides.server }, "") : "not read (no queries)"}`,
  ];
}

/**
 * Renders a snapshot as text.
 *
 * @example
 * console.info(renderReport(recorder.getSnapshot()));
 */
export function renderReport(snapshot: DiagnosticsSnapshot): string {
  const sessions = new Labels("session");
  const orgs = new Labels("org");
  const names: EntryNames = {
    session: (id) => sessions.of(id),
    org: (id) => orgs.of(id),
  };
  // Labels follow the timeline's order, so the summary reuses its letters.
  const lines = snapshot.timeline.map((entry) => {
    const [side, text] = describeEntry(entry, names);
    const seconds = ((entry.at - snapshot.since) / 1000).toFixed(3);
    return `  +${seconds.padStart(8)}s  ${side.padEnd(8)}  ${text}`;
  });
  return [
    `convex-clerk-sessions diagnostics, ${new Date(snapshot.since).toISOString()} on, ${snapshot.timeline.length} entries${snapshot.dropped > 0 ? ` (${snapshot.dropped} older dropped)` : ""}`,
    "now:",
    ...summary(snapshot.sides, names),
    "timeline (newest last):",
    ...lines,
    "Ids are shown as labels (session A, org A); no token, key or claim value is included.",
  ].join("\n");
}
