/**
 * The diagnostics recorder: a bounded timeline (oldest dropped first) and
 * the latest state of each side, with a subscribe/snapshot pair for React's
 * `useSyncExternalStore`. No React in here, so it is tested on its own.
 */
import type { DiagnosticsEntry, DiagnosticsSides } from "./entries.js";

/** Entries kept; older ones are dropped. */
export const DEFAULT_TIMELINE_LIMIT = 200;

export type DiagnosticsSnapshot = {
  /** Newest last. */
  timeline: readonly DiagnosticsEntry[];
  sides: DiagnosticsSides;
  /** Entries dropped because the timeline was full. */
  dropped: number;
  /** When the recorder started (ms). */
  since: number;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;
export type NewEntry = DistributiveOmit<DiagnosticsEntry, "at">;

const EMPTY_SIDES: DiagnosticsSides = {
  clerk: null,
  convex: null,
  server: null,
  verdict: null,
  recovery: null,
};

export class DiagnosticsRecorder {
  private snapshot: DiagnosticsSnapshot;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly limit = DEFAULT_TIMELINE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {
    this.snapshot = {
      timeline: [],
      sides: EMPTY_SIDES,
      dropped: 0,
      since: now(),
    };
  }

  /** Adds an entry, and updates the side it describes. */
  record(entry: NewEntry): void {
    const stamped = { ...entry, at: this.now() } as DiagnosticsEntry;
    if (stamped.kind === "verdict")
      stamped.previous = this.snapshot.sides.verdict;
    const sides = nextSides(this.snapshot.sides, stamped);
    // A state seen again (a re-render, a strict-mode effect) is no news.
    if (
      sides !== this.snapshot.sides &&
      sameState(sides, this.snapshot.sides)
    ) {
      return;
    }
    const full = this.snapshot.timeline.length >= this.limit;
    const timeline = [...this.snapshot.timeline.slice(full ? 1 : 0), stamped];
    this.snapshot = {
      ...this.snapshot,
      timeline,
      sides,
      dropped: this.snapshot.dropped + (full ? 1 : 0),
    };
    for (const listener of [...this.listeners]) listener();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): DiagnosticsSnapshot => this.snapshot;
}

function sameState(a: DiagnosticsSides, b: DiagnosticsSides): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function nextSides(
  sides: DiagnosticsSides,
  entry: DiagnosticsEntry,
): DiagnosticsSides {
  switch (entry.kind) {
    case "clerk": {
      const { isLoaded, isSignedIn, sessionId, orgId } = entry;
      return { ...sides, clerk: { isLoaded, isSignedIn, sessionId, orgId } };
    }
    case "convex": {
      const {
        isLoading,
        isAuthenticated,
        connected,
        connectionCount,
        connectionRetries,
      } = entry;
      return {
        ...sides,
        convex: {
          isLoading,
          isAuthenticated,
          connected,
          connectionCount,
          connectionRetries,
        },
      };
    }
    case "server": {
      const {
        authenticated,
        convexSessionId,
        convexSessionStatus,
        clerkSessionStatus,
      } = entry;
      return {
        ...sides,
        server: {
          authenticated,
          convexSessionId,
          convexSessionStatus,
          clerkSessionStatus,
        },
      };
    }
    case "verdict":
      return { ...sides, verdict: entry.verdict };
    case "recovery_status": {
      const { status, attempts, errorCode } = entry;
      return { ...sides, recovery: { status, attempts, errorCode } };
    }
    default:
      return sides;
  }
}
