/** Options of `registerRoutes`, and the component's own argument checks. */
import { httpRouter } from "convex/server";
import { afterEach, describe, expect, test, vi } from "vitest";
import { components } from "../convex/_generated/api.js";
import { clerkSessionEvent } from "../fixtures/clerkEvents.js";
import { componentTables, exampleApp } from "../fixtures/exampleApp.js";
import {
  OTHER_SECRET,
  TEST_SECRET,
  signedDelivery,
} from "../fixtures/svixDelivery.js";
import {
  ClerkSessions,
  DEFAULT_WEBHOOK_PATH,
} from "../src/client/core/index.js";
import { registerRoutes } from "../src/client/webhook/index.js";
import { handleWebhook } from "../src/client/webhook/route.js";

afterEach(() => vi.unstubAllEnvs());

const created = clerkSessionEvent("session.created", {
  sessionId: "sess_A",
  userId: "user_1",
});

describe("registerRoutes", () => {
  test("mounts POST on the default path, or on the path given", () => {
    const clerkSessions = new ClerkSessions(components.clerkSessions);
    const http = httpRouter();
    registerRoutes(http, clerkSessions);
    registerRoutes(http, clerkSessions, { path: "/hooks/clerk" });
    expect(DEFAULT_WEBHOOK_PATH).toBe("/clerk/webhook");
    expect(http.lookup("/clerk/webhook", "POST")).not.toBeNull();
    expect(http.lookup("/hooks/clerk", "POST")).not.toBeNull();
    expect(http.lookup("/clerk/webhook", "GET")).toBeNull();
  });

  test("an explicit webhookSecret overrides the env var", async () => {
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
    const t = exampleApp();
    const send = (secret: string) =>
      t.action(async (ctx) => {
        const { init } = signedDelivery(created, { secret });
        const request = new Request(
          "https://example.convex.site/clerk/webhook",
          init,
        );
        const response = await handleWebhook(
          ctx,
          request,
          components.clerkSessions,
          { webhookSecret: OTHER_SECRET },
        );
        return response.status;
      });
    expect(await send(TEST_SECRET)).toBe(400);
    expect(await send(OTHER_SECRET)).toBe(200);
  });
});

describe("the component's apply mutation", () => {
  test("takes no svix id: a replay is recognised by its content", async () => {
    const t = exampleApp();
    const event = {
      kind: "user.deleted" as const,
      userId: "user_1",
      deletedAt: null,
    };
    await expect(
      t.mutation(components.clerkSessions.events.apply, {
        svixId: "msg_1",
        event,
      } as never),
    ).rejects.toThrow(/svixId|Validator/);
    expect(await componentTables(t)).toEqual({
      sessions: [],
      deletedUsers: [],
      pruneHorizon: [],
    });
  });

  test("refuses an event of the wrong shape and changes nothing", async () => {
    const t = exampleApp();
    const event = {
      kind: "session",
      type: "session.created",
      session: { sessionId: "sess_A" },
    };
    await expect(
      t.mutation(components.clerkSessions.events.apply, {
        event,
      } as never),
    ).rejects.toThrow(/Validator|userId/);
    expect(await componentTables(t)).toEqual({
      sessions: [],
      deletedUsers: [],
      pruneHorizon: [],
    });
  });
});
