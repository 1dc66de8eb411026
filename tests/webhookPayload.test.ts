/**
 * Parsing a verified body into the component's event, without a database:
 * time units, impersonation, device, and the statuses Clerk sends.
 */
import { describe, expect, test } from "vitest";
import {
  BASE_TIME,
  clerkSessionEvent,
  clerkUserDeletedEvent,
} from "../fixtures/clerkEvents.js";
import { publishedPayload } from "../fixtures/clerkPublished/index.js";
import { toMillis, toSessionFacts } from "../src/client/core/sessionFacts.js";
import {
  parseWebhookBody,
  type ParsedWebhook,
} from "../src/client/webhook/payload.js";
import {
  SESSION_END_TYPES,
  SESSION_EVENT_TYPES,
  type SessionEventType,
} from "../src/shared/eventValidators.js";

const BASE_SECONDS = BASE_TIME / 1000;

function sessionOf(parsed: ParsedWebhook) {
  if (parsed.kind !== "event" || parsed.event.kind !== "session") {
    throw new Error(`expected a session event, got ${JSON.stringify(parsed)}`);
  }
  return parsed.event.session;
}

function createdWith(data: Record<string, unknown>) {
  const event = clerkSessionEvent("session.created", {
    sessionId: "sess_A",
    userId: "user_1",
  });
  Object.assign(event.data as Record<string, unknown>, data);
  return parseWebhookBody(JSON.stringify(event));
}

describe("toMillis: below 10^11 is seconds", () => {
  test.each([
    [BASE_SECONDS, BASE_TIME],
    [BASE_TIME, BASE_TIME],
    [99_999_999_999, 99_999_999_999_000],
    [100_000_000_000, 100_000_000_000],
    [0, 0],
  ])("%d -> %d", (time, millis) => {
    expect(toMillis(time)).toBe(millis);
  });
});

describe("every session time field is normalised", () => {
  test("a webhook with its session times in seconds is stored in ms", () => {
    const session = sessionOf(
      createdWith({
        created_at: BASE_SECONDS - 60,
        updated_at: BASE_SECONDS,
        last_active_at: BASE_SECONDS,
        expire_at: BASE_SECONDS + 604_800,
        abandon_at: BASE_SECONDS + 2_592_000,
      }),
    );
    expect(session).toMatchObject({
      createdAt: BASE_TIME - 60_000,
      updatedAt: BASE_TIME,
      lastActiveAt: BASE_TIME,
      expireAt: BASE_TIME + 604_800_000,
      abandonAt: BASE_TIME + 2_592_000_000,
    });
  });

  test("a Backend API session in seconds maps to the same facts as in ms", () => {
    const inMs = {
      id: "sess_A",
      userId: "user_1",
      createdAt: BASE_TIME - 60_000,
      updatedAt: BASE_TIME,
      lastActiveAt: BASE_TIME,
      expireAt: BASE_TIME + 1_000,
      abandonAt: BASE_TIME + 2_000,
    };
    const inSeconds = {
      ...inMs,
      createdAt: BASE_SECONDS - 60,
      updatedAt: BASE_SECONDS,
      lastActiveAt: BASE_SECONDS,
      expireAt: BASE_SECONDS + 1,
      abandonAt: BASE_SECONDS + 2,
    };
    expect(toSessionFacts(inSeconds, "active")).toEqual(
      toSessionFacts(inMs, "active"),
    );
  });

  test.each([
    ["seconds", BASE_SECONDS],
    ["milliseconds", BASE_TIME],
  ])("user.deleted with its timestamp in %s ends at the same ms", (_, at) => {
    const parsed = parseWebhookBody(
      JSON.stringify(clerkUserDeletedEvent("user_1", at)),
    );
    expect(parsed).toMatchObject({
      kind: "event",
      event: { kind: "user.deleted", userId: "user_1", deletedAt: BASE_TIME },
    });
  });

  test("Clerk's published user.deleted (timestamp in seconds) ends in ms", () => {
    const parsed = parseWebhookBody(
      publishedPayload("openapi.user.deleted.json").body,
    );
    expect(parsed).toMatchObject({
      event: { deletedAt: 1_716_883_200_000 },
    });
  });
});

describe("actor (impersonation)", () => {
  test("actor { sub } is kept, its other fields dropped", () => {
    const session = sessionOf(
      createdWith({ actor: { sub: "user_support", iss: "https://x" } }),
    );
    expect(session.actor).toEqual({ sub: "user_support" });
  });

  test.each([
    ["null", null],
    ["a string", "user_support"],
    ["an object without sub", { iss: "https://x" }],
    ["sub a number", { sub: 7 }],
    ["sub empty", { sub: "" }],
    ["an array", [{ sub: "user_support" }]],
  ])("actor %s -> null, and the event still applies", (_, actor) => {
    const parsed = createdWith({ actor });
    expect(parsed.kind).toBe("event");
    expect(sessionOf(parsed).actor).toBeNull();
  });
});

describe("device", () => {
  test("latest_activity null -> no device in the event", () => {
    expect(sessionOf(createdWith({ latest_activity: null })).device).toBeNull();
  });

  test("the device keeps no IP or location", () => {
    expect(sessionOf(createdWith({})).device).toEqual({
      deviceType: "iPhone",
      browserName: "Safari",
      browserVersion: "18.1",
      isMobile: true,
    });
  });
});

describe("status", () => {
  test("session.pending takes its status from the payload", () => {
    const event = clerkSessionEvent("session.pending", {
      sessionId: "sess_A",
      userId: "user_1",
    });
    const parsed = parseWebhookBody(JSON.stringify(event));
    expect(parsed).toMatchObject({ kind: "event", type: "session.pending" });
    expect(sessionOf(parsed).status).toBe("pending");
  });

  test("session.created with status pending is stored pending", () => {
    expect(sessionOf(createdWith({ status: "pending" })).status).toBe(
      "pending",
    );
  });

  test("every end type is a handled type, and parses to its status", () => {
    for (const [type, status] of Object.entries(SESSION_END_TYPES)) {
      expect(SESSION_EVENT_TYPES).toContain(type);
      const event = clerkSessionEvent(type as SessionEventType, {
        sessionId: "sess_A",
        userId: "user_1",
      });
      expect(sessionOf(parseWebhookBody(JSON.stringify(event))).status).toBe(
        status,
      );
    }
  });

  test("an end type implies its status whatever the payload says", () => {
    const event = clerkSessionEvent("session.revoked", {
      sessionId: "sess_A",
      userId: "user_1",
      status: "active",
    });
    expect(sessionOf(parseWebhookBody(JSON.stringify(event))).status).toBe(
      "revoked",
    );
  });
});

describe("what the body may not do", () => {
  test.each(["constructor", "__proto__", "toString", "hasOwnProperty"])(
    "type %s is ignored, not looked up",
    (type) => {
      expect(parseWebhookBody(JSON.stringify({ type, data: {} }))).toEqual({
        kind: "ignored",
        type,
      });
    },
  );

  test("errors name the field, never its value", () => {
    const parsed = createdWith({ user_id: { secret: "VALUE_XYZ" } });
    expect(parsed.kind).toBe("invalid");
    const error = parsed.kind === "invalid" ? parsed.error : "";
    expect(error).toContain("data.user_id");
    expect(error).not.toContain("VALUE_XYZ");
  });
});
