import { describe, expect, test } from "vitest";
import {
  compareFacts,
  effectiveState,
  mergeSessionState,
  mergeUserDeletion,
  statusAt,
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

const iphone = {
  deviceType: "iPhone",
  browserName: "Safari",
  browserVersion: "18.1",
  isMobile: true,
};
const laptop = {
  deviceType: "Macintosh",
  browserName: "Firefox",
  browserVersion: "133",
  isMobile: false,
};

describe("device and actor are kept from the latest event that carries them", () => {
  test("active (device) -> ended without device info keeps the device", () => {
    const state = fold([
      { facts: facts("active", 10, { device: iphone }) },
      { facts: facts("ended", 20, { device: null }) },
    ]);
    expect(effectiveState(state).status).toBe("ended");
    expect(state.facts.device).toEqual(iphone);
  });

  test("the latest device wins, in either order", () => {
    const events = [
      { facts: facts("active", 10, { device: iphone }) },
      { facts: facts("active", 15, { device: laptop }) },
      { facts: facts("ended", 20, { device: null }) },
    ];
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 2, 0],
      [2, 0, 1],
    ].map((order) => fold(order.map((i) => events[i]!)));
    for (const state of orders) expect(state).toEqual(orders[0]);
    expect(orders[0]?.facts.device).toEqual(laptop);
  });

  test("an impersonated session keeps its actor when an end event has none", () => {
    const actor = { sub: "user_support" };
    const state = fold([
      { facts: facts("active", 10, { actor }) },
      { facts: facts("revoked", 20, { actor: null }) },
    ]);
    expect(state.facts.actor).toEqual(actor);
    expect(
      fold([
        { facts: facts("revoked", 20, { actor: null }) },
        { facts: facts("active", 10, { actor }) },
      ]),
    ).toEqual(state);
  });
});

describe("the owner never changes", () => {
  test("active (user_1) + event naming user_2 is ignored and changes nothing", () => {
    const stored = fold([{ facts: facts("active", 10) }]);
    for (const status of ["active", "ended", "revoked"] as const) {
      const { state, changed, result } = mergeSessionState(stored, {
        facts: facts(status, 99, { userId: "user_2" }),
      });
      expect(result).toBe("ignored");
      expect(changed).toBe(false);
      expect(state).toEqual(stored);
    }
  });
});

describe("classification against the stored winning facts", () => {
  test("a replay of the winner is duplicate; a loser is stale; a change is applied", () => {
    const created = facts("active", 10);
    const ended = facts("ended", 20);
    const stored = fold([{ facts: created }, { facts: ended }]);
    expect(mergeSessionState(stored, { facts: ended }).result).toBe(
      "duplicate",
    );
    expect(mergeSessionState(stored, { facts: created }).result).toBe("stale");
    expect(
      mergeSessionState(fold([{ facts: created }]), { facts: ended }).result,
    ).toBe("applied");
  });
});

describe("expiry is derived at read time", () => {
  const live = (
    status: "active" | "pending",
    expireAt: number | null,
    abandonAt: number | null = null,
  ) => ({ status, endedAt: null, expireAt, abandonAt });

  test("active past expireAt reads expired, ended at expireAt", () => {
    expect(statusAt(live("active", 100), 100)).toEqual({
      status: "expired",
      endedAt: 100,
    });
    expect(statusAt(live("active", 100), 99)).toEqual({
      status: "active",
      endedAt: null,
    });
  });

  test("pending past expireAt reads expired too", () => {
    expect(statusAt(live("pending", 100), 150).status).toBe("expired");
  });

  test("active past abandonAt reads abandoned; the earlier end decides", () => {
    expect(statusAt(live("active", 200, 100), 150)).toEqual({
      status: "abandoned",
      endedAt: 100,
    });
    expect(statusAt(live("active", 100, 200), 250)).toEqual({
      status: "expired",
      endedAt: 100,
    });
  });

  test("a terminal status is read as stored", () => {
    expect(
      statusAt(
        { status: "revoked", endedAt: 50, expireAt: 10, abandonAt: 5 },
        1_000,
      ),
    ).toEqual({ status: "revoked", endedAt: 50 });
  });
});

describe("order independence over every permutation", () => {
  const events = [
    { facts: facts("pending", 5) },
    { facts: facts("active", 10, { device: iphone }) },
    { facts: facts("active", 15, { lastActiveAt: 14, device: laptop }) },
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
