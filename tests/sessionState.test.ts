import { describe, expect, test } from "vitest";
import {
  compareFacts,
  effectiveState,
  mergeSessionState,
  mergeUserDeletion,
  type SessionState,
} from "../src/component/sessionState.js";
import type {
  ClerkSessionStatus,
  SessionFacts,
} from "../src/shared/sessionValidators.js";

function facts(
  status: ClerkSessionStatus,
  updatedAt: number,
  extra: Partial<SessionFacts> = {},
): SessionFacts {
  return {
    sessionId: "sess_1",
    userId: "user_1",
    clientId: "client_1",
    status,
    createdAt: 1,
    updatedAt,
    lastActiveAt: updatedAt,
    expireAt: null,
    abandonAt: null,
    device: null,
    actor: null,
    ...extra,
  };
}

function fold(
  events: { facts?: SessionFacts; userDeletion?: { at: number | null } }[],
): SessionState {
  let state: SessionState | null = null;
  for (const event of events) state = mergeSessionState(state, event).state;
  if (state === null) throw new Error("no events");
  return state;
}

describe("session transitions", () => {
  test("unknown -> active", () => {
    const { state, changed } = mergeSessionState(null, {
      facts: facts("active", 10),
    });
    expect(changed).toBe(true);
    expect(effectiveState(state)).toEqual({ status: "active", endedAt: null });
  });

  test("active -> ended", () => {
    const state = fold([
      { facts: facts("active", 10) },
      { facts: facts("ended", 20) },
    ]);
    expect(effectiveState(state)).toEqual({ status: "ended", endedAt: 20 });
  });

  test("active -> revoked and active -> removed", () => {
    for (const status of ["revoked", "removed"] as const) {
      const state = fold([
        { facts: facts("active", 10) },
        { facts: facts(status, 20) },
      ]);
      expect(effectiveState(state).status).toBe(status);
    }
  });

  test("unknown -> ended inserts a tombstone", () => {
    const { state, changed } = mergeSessionState(null, {
      facts: facts("ended", 20),
    });
    expect(changed).toBe(true);
    expect(effectiveState(state)).toEqual({ status: "ended", endedAt: 20 });
  });

  test("ended + late created stays ended", () => {
    const ended = fold([{ facts: facts("ended", 20) }]);
    const { state, changed } = mergeSessionState(ended, {
      facts: facts("active", 10),
    });
    expect(changed).toBe(false);
    expect(effectiveState(state).status).toBe("ended");
  });

  test("ended + newer active stays ended (terminal is sticky)", () => {
    const ended = fold([{ facts: facts("ended", 20) }]);
    const { state, changed } = mergeSessionState(ended, {
      facts: facts("active", 99),
    });
    expect(changed).toBe(false);
    expect(effectiveState(state).status).toBe("ended");
  });

  test("active + older active is stale", () => {
    const active = fold([{ facts: facts("active", 20) }]);
    const { state, changed } = mergeSessionState(active, {
      facts: facts("active", 10),
    });
    expect(changed).toBe(false);
    expect(state.facts.updatedAt).toBe(20);
  });

  test("active + newer active updates the facts", () => {
    const state = fold([
      { facts: facts("active", 10) },
      { facts: facts("active", 20) },
    ]);
    expect(state.facts.updatedAt).toBe(20);
  });

  test("pending -> active at the same updated_at, in either order", () => {
    const a = fold([
      { facts: facts("pending", 10) },
      { facts: facts("active", 10) },
    ]);
    const b = fold([
      { facts: facts("active", 10) },
      { facts: facts("pending", 10) },
    ]);
    expect(a).toEqual(b);
    expect(a.facts.status).toBe("active");
  });

  test("ended vs revoked: the later terminal event wins, in either order", () => {
    const a = fold([
      { facts: facts("ended", 10) },
      { facts: facts("revoked", 20) },
    ]);
    const b = fold([
      { facts: facts("revoked", 20) },
      { facts: facts("ended", 10) },
    ]);
    expect(a).toEqual(b);
    expect(effectiveState(a).status).toBe("revoked");
  });

  test("the same event twice changes nothing the second time", () => {
    const once = fold([{ facts: facts("active", 10) }]);
    const { state, changed } = mergeSessionState(once, {
      facts: facts("active", 10),
    });
    expect(changed).toBe(false);
    expect(state).toEqual(once);
  });

  test("equal updated_at and status: later tie-breaks decide, not arrival", () => {
    const x = facts("active", 10, { lastActiveAt: 5 });
    const y = facts("active", 10, { lastActiveAt: 7 });
    expect(compareFacts(y, x)).toBeGreaterThan(0);
    expect(compareFacts(x, y)).toBeLessThan(0);
    expect(fold([{ facts: x }, { facts: y }])).toEqual(
      fold([{ facts: y }, { facts: x }]),
    );
  });

  test("key order does not decide a tie", () => {
    const x = facts("active", 10, {
      device: {
        deviceType: "a",
        browserName: null,
        browserVersion: null,
        isMobile: true,
      },
    });
    const reordered = JSON.parse(
      JSON.stringify({
        ...x,
        device: {
          isMobile: true,
          browserVersion: null,
          browserName: null,
          deviceType: "a",
        },
      }),
    ) as SessionFacts;
    expect(compareFacts(x, reordered)).toBe(0);
  });
});

describe("user deletion", () => {
  test("active + user.deleted -> removed at the deletion time", () => {
    const state = fold([
      { facts: facts("active", 10) },
      { userDeletion: { at: 50 } },
    ]);
    expect(effectiveState(state)).toEqual({ status: "removed", endedAt: 50 });
  });

  test("ended + user.deleted stays ended", () => {
    const state = fold([
      { facts: facts("ended", 20) },
      { userDeletion: { at: 50 } },
    ]);
    expect(effectiveState(state)).toEqual({ status: "ended", endedAt: 20 });
  });

  test("ended + user.deleted changes nothing, so nothing is rewritten", () => {
    const ended = fold([{ facts: facts("ended", 20) }]);
    expect(mergeSessionState(ended, { userDeletion: { at: 50 } }).changed).toBe(
      false,
    );
  });

  test("user.deleted before the session is heard of: created arrives removed", () => {
    const { state } = mergeSessionState(null, {
      facts: facts("active", 10),
      userDeletion: { at: 50 },
    });
    expect(effectiveState(state).status).toBe("removed");
  });

  test("deleted user's session ending later converges in either order", () => {
    const a = fold([
      { facts: facts("active", 10) },
      { userDeletion: { at: 50 } },
      { facts: facts("ended", 60) },
    ]);
    const b = fold([
      { facts: facts("active", 10) },
      { facts: facts("ended", 60) },
      { userDeletion: { at: 50 } },
    ]);
    expect(a).toEqual(b);
  });

  test("two deletions keep the earliest known time", () => {
    expect(mergeUserDeletion({ at: 50 }, { at: 40 })).toEqual({ at: 40 });
    expect(mergeUserDeletion({ at: null }, { at: 40 })).toEqual({ at: 40 });
    expect(mergeUserDeletion({ at: 40 }, { at: null })).toEqual({ at: 40 });
    expect(mergeUserDeletion(null, { at: null })).toEqual({ at: null });
  });

  test("a repeated deletion changes nothing", () => {
    const deleted = fold([
      { facts: facts("active", 10) },
      { userDeletion: { at: 50 } },
    ]);
    expect(
      mergeSessionState(deleted, { userDeletion: { at: 50 } }).changed,
    ).toBe(false);
  });

  test("a new session needs facts", () => {
    expect(() => mergeSessionState(null, { userDeletion: { at: 1 } })).toThrow(
      /facts/,
    );
  });
});

describe("order independence over every permutation", () => {
  const events = [
    { facts: facts("pending", 5) },
    { facts: facts("active", 10) },
    { facts: facts("active", 15, { lastActiveAt: 14 }) },
    { facts: facts("ended", 20) },
    { facts: facts("revoked", 20) },
    { userDeletion: { at: 30 } },
  ];

  function permutations<T>(items: T[]): T[][] {
    if (items.length <= 1) return [items];
    return items.flatMap((item, i) =>
      permutations([...items.slice(0, i), ...items.slice(i + 1)]).map(
        (rest) => [item, ...rest],
      ),
    );
  }

  test("all 720 orders of six events give one state", () => {
    const withFactsFirst = permutations(events).filter(
      (order) => order[0]?.facts !== undefined,
    );
    const states = new Set(
      withFactsFirst.map((order) =>
        JSON.stringify([fold(order), effectiveState(fold(order))]),
      ),
    );
    expect(withFactsFirst.length).toBe(600);
    expect(states.size).toBe(1);
  });
});
