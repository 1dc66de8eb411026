/**
 * The diagnostics recorder without React: the timeline is bounded, a state
 * seen again is not news, and the report's scrubbing and labels.
 */
import { describe, expect, test } from "vitest";
import {
  DiagnosticsRecorder,
  renderReport,
} from "../src/react/diagnostics/index.js";
import { scrub } from "../src/react/diagnostics/report.js";
import { changedClaimNames } from "../src/react/diagnostics/fetchDiagnostics.js";

const clerk = (sessionId: string | null) =>
  ({
    kind: "clerk",
    isLoaded: true,
    isSignedIn: sessionId !== null,
    sessionId,
    orgId: null,
  }) as const;

describe("DiagnosticsRecorder", () => {
  test("keeps the newest entries up to its limit and counts the dropped", () => {
    let now = 1_000;
    const recorder = new DiagnosticsRecorder(3, () => now++);
    for (const id of ["sess_1", "sess_2", "sess_3", "sess_4", "sess_5"]) {
      recorder.record(clerk(id));
    }
    const { timeline, dropped, sides } = recorder.getSnapshot();
    expect(
      timeline.map((entry) => "sessionId" in entry && entry.sessionId),
    ).toEqual(["sess_3", "sess_4", "sess_5"]);
    expect(dropped).toBe(2);
    expect(sides.clerk?.sessionId).toBe("sess_5");
  });

  test("a state seen again adds nothing; events always add; a verdict carries the one before", () => {
    const recorder = new DiagnosticsRecorder();
    let notified = 0;
    recorder.subscribe(() => notified++);
    recorder.record(clerk("sess_1"));
    recorder.record(clerk("sess_1"));
    recorder.record({ kind: "verdict", verdict: "loading", previous: null });
    recorder.record({ kind: "verdict", verdict: "loading", previous: null });
    recorder.record({ kind: "verdict", verdict: "in_sync", previous: null });
    const rebind = {
      kind: "recovery",
      action: "rebind",
      attempt: 1,
      errorCode: null,
    } as const;
    recorder.record(rebind);
    recorder.record(rebind);
    const { timeline } = recorder.getSnapshot();
    expect(timeline.map((entry) => entry.kind)).toEqual([
      "clerk",
      "verdict",
      "verdict",
      "recovery",
      "recovery",
    ]);
    expect(timeline[2]).toMatchObject({
      verdict: "in_sync",
      previous: "loading",
    });
    expect(notified).toBe(5);
  });
});

describe("the report", () => {
  test("labels sessions in order of appearance and never prints an id", () => {
    const recorder = new DiagnosticsRecorder();
    recorder.record(clerk("sess_2abc"));
    recorder.record(clerk(null));
    recorder.record(clerk("sess_2xyz"));
    recorder.record(clerk("sess_2abc"));
    const report = renderReport(recorder.getSnapshot());
    expect(report).toMatch(
      /signed in, session A, no org\n.*signed out\n.*signed in, session B, no org\n.*signed in, session A, no org/,
    );
    expect(report).not.toMatch(/sess_/);
  });

  test("scrub removes JWTs and Clerk or Svix keys and ids from a message", () => {
    expect(
      scrub(
        "failed for eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2lnbmF0dXJlLWhlcmU with sk_test_abc123, whsec_MfKQ9r8G and sess_2abc",
      ),
    ).toBe("failed for [redacted] with [redacted], [redacted] and [redacted]");
  });

  test("changed claims are named, per-token claims left out", () => {
    expect(
      changedClaimNames(
        {
          sid: "a",
          sts: "active",
          iat: 1,
          exp: 2,
          fva: [0, -1],
          o: { id: "x" },
        },
        {
          sid: "b",
          sts: "active",
          iat: 3,
          exp: 4,
          fva: [1, -1],
          o: { id: "y" },
          plan: "gold",
        },
      ),
    ).toEqual(["o", "plan", "sid"]);
  });
});
