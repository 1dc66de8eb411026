import { describe, expect, test } from "vitest";
import {
  compareSessions,
  type ClerkClientState,
} from "../src/client/core/compareSessions.js";
import type { SessionStatus } from "../src/shared/sessionValidators.js";
import type {
  SessionStatusResult,
  Whoami,
} from "../src/shared/resultValidators.js";

const signedIn = (sessionId: string): ClerkClientState => ({
  isLoaded: true,
  isSignedIn: true,
  sessionId,
});
const signedOut: ClerkClientState = {
  isLoaded: true,
  isSignedIn: false,
  sessionId: null,
};
const notLoaded: ClerkClientState = {
  isLoaded: false,
  isSignedIn: undefined,
  sessionId: undefined,
};

const anonymous: Whoami = { authenticated: false };
function convexAs(
  sessionId: string | null,
  status: SessionStatus = "active",
): Whoami {
  return {
    authenticated: true,
    userId: "user_1",
    sessionId,
    tokenIdentifier: "https://clerk.example|user_1",
    issuer: "https://clerk.example",
    session: { status, updatedAt: 1 },
  };
}
function stored(sessionId: string, status: SessionStatus): SessionStatusResult {
  return {
    sessionId,
    status,
    updatedAt: 1,
    endedAt: null,
    expireAt: null,
    derivedFromTime: false,
  };
}

describe("compareSessions verdicts, one per row of the table", () => {
  test("Clerk not loaded -> loading", () => {
    expect(
      compareSessions({
        clerk: notLoaded,
        whoami: anonymous,
        status: undefined,
      }),
    ).toBe("loading");
  });

  test("whoami still loading -> loading", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: undefined,
        status: stored("sess_B", "active"),
      }),
    ).toBe("loading");
  });

  test("signed in, sessionStatus still loading -> loading", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_B"),
        status: undefined,
      }),
    ).toBe("loading");
  });

  test("signed out, Convex unauthenticated -> signed_out", () => {
    expect(
      compareSessions({
        clerk: signedOut,
        whoami: anonymous,
        status: undefined,
      }),
    ).toBe("signed_out");
  });

  test("signed out, Convex authenticated -> convex_stale_session", () => {
    expect(
      compareSessions({
        clerk: signedOut,
        whoami: convexAs("sess_A"),
        status: undefined,
      }),
    ).toBe("convex_stale_session");
  });

  test("signed in, Convex unauthenticated, session terminal -> session_ended", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: anonymous,
        status: stored("sess_B", "revoked"),
      }),
    ).toBe("session_ended");
  });

  test("signed in, Convex unauthenticated, session live or unknown -> convex_unauthenticated", () => {
    for (const status of ["active", "unknown", "pending"] as const) {
      expect(
        compareSessions({
          clerk: signedIn("sess_B"),
          whoami: anonymous,
          status: stored("sess_B", status),
        }),
      ).toBe("convex_unauthenticated");
    }
  });

  test("signed in, token without sid -> no_session_claim", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs(null, "unknown"),
        status: stored("sess_B", "active"),
      }),
    ).toBe("no_session_claim");
  });

  test("signed in as B, Convex still on A -> convex_stale_session", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_A", "ended"),
        status: stored("sess_B", "active"),
      }),
    ).toBe("convex_stale_session");
  });

  test("same session, stored terminal -> session_ended", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_B", "ended"),
        status: stored("sess_B", "ended"),
      }),
    ).toBe("session_ended");
  });

  test("same session, not terminal -> in_sync", () => {
    for (const status of ["active", "pending", "unknown"] as const) {
      expect(
        compareSessions({
          clerk: signedIn("sess_B"),
          whoami: convexAs("sess_B", status),
          status: stored("sess_B", status),
        }),
      ).toBe("in_sync");
    }
  });
});

describe("while Clerk holds the session, time alone never ends it", () => {
  const NOW = 1_800_000_000_000;
  const expiring = (sessionId: string, expireAt: number | null) => ({
    ...stored(sessionId, "active"),
    expireAt,
  });
  // What the server reads once a stored expireAt has passed.
  const expiredByTime = (sessionId: string): SessionStatusResult => ({
    ...stored(sessionId, "expired"),
    endedAt: NOW - 1,
    expireAt: NOW - 1,
    derivedFromTime: true,
  });

  test("same session, expireAt passed on the client's clock -> in_sync", () => {
    const input = {
      clerk: signedIn("sess_B"),
      whoami: convexAs("sess_B", "active"),
      status: expiring("sess_B", NOW),
    };
    expect(compareSessions({ ...input, now: NOW })).toBe("in_sync");
    expect(compareSessions({ ...input, now: NOW + 3_600_000 })).toBe("in_sync");
  });

  test("same session, expired derived from time on the server -> in_sync", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_B", "expired"),
        status: expiredByTime("sess_B"),
        now: NOW,
      }),
    ).toBe("in_sync");
  });

  test("Convex unauthenticated, expired derived from time -> convex_unauthenticated (fetch a token, Clerk decides)", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: anonymous,
        status: expiredByTime("sess_B"),
        now: NOW,
      }),
    ).toBe("convex_unauthenticated");
  });

  test("expired as Clerk reported it (a sync) -> session_ended", () => {
    const reported = { ...stored("sess_B", "expired"), endedAt: NOW - 1 };
    for (const whoami of [convexAs("sess_B", "expired"), anonymous]) {
      expect(
        compareSessions({
          clerk: signedIn("sess_B"),
          whoami,
          status: reported,
          now: NOW,
        }),
      ).toBe("session_ended");
    }
  });

  test("a result without expireAt or derivedFromTime (older deployment) reads as reported", () => {
    const {
      expireAt: _dropped,
      derivedFromTime: _alsoDropped,
      ...older
    } = stored("sess_B", "active");
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_B"),
        status: older as SessionStatusResult,
        now: NOW,
      }),
    ).toBe("in_sync");
  });
});

describe("clerk_session_not_restored: signed out, a remembered session still live", () => {
  const NOW = 1_800_000_000_000;
  const base = {
    clerk: signedOut,
    whoami: anonymous,
    status: undefined,
    now: NOW,
  };

  test("remembered session active and unexpired -> clerk_session_not_restored", () => {
    expect(
      compareSessions({
        ...base,
        rememberedSessionId: "sess_A",
        rememberedStatus: { ...stored("sess_A", "active"), expireAt: NOW + 1 },
      }),
    ).toBe("clerk_session_not_restored");
  });

  test("remembered session's status still loading -> loading", () => {
    expect(
      compareSessions({
        ...base,
        rememberedSessionId: "sess_A",
        rememberedStatus: undefined,
      }),
    ).toBe("loading");
  });

  test("remembered session ended, expired, pending or unknown -> signed_out", () => {
    for (const status of [
      stored("sess_A", "ended"),
      stored("sess_A", "unknown"),
      stored("sess_A", "pending"),
      { ...stored("sess_A", "active"), expireAt: NOW },
    ]) {
      expect(
        compareSessions({
          ...base,
          rememberedSessionId: "sess_A",
          rememberedStatus: status,
        }),
      ).toBe("signed_out");
    }
  });

  test("nothing remembered -> signed_out", () => {
    expect(compareSessions({ ...base, rememberedSessionId: null })).toBe(
      "signed_out",
    );
  });

  test("Clerk signed in: the remembered session is not consulted", () => {
    expect(
      compareSessions({
        clerk: signedIn("sess_B"),
        whoami: convexAs("sess_B"),
        status: stored("sess_B", "active"),
        rememberedSessionId: "sess_A",
        rememberedStatus: stored("sess_A", "active"),
        now: NOW,
      }),
    ).toBe("in_sync");
  });
});
