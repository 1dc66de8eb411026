// @vitest-environment jsdom
/**
 * The test bed itself, driven through convex's real client without any
 * provider: the sync server confirms, refuses and expires tokens the way a
 * Convex deployment does, and answers with the example app's functions.
 */
import { afterEach, beforeEach, expect, test } from "vitest";
import { api } from "../../convex/_generated/api.js";
import { advance, startBed, stopBed } from "../../fixtures/react/harness.js";
import { signClerkToken } from "../../fixtures/syncServer/clerkTokens.js";
import type { TestBed } from "../../fixtures/syncServer/testBed.js";

let bed: TestBed;
beforeEach(async () => {
  bed = await startBed();
});
afterEach(async () => {
  await stopBed(bed, () => undefined);
});

function watch<T>(
  client: ReturnType<TestBed["client"]>,
  query: Parameters<ReturnType<TestBed["client"]>["watchQuery"]>[0],
  args: Record<string, unknown> = {},
) {
  const watch = client.watchQuery(query, args as never);
  const unsubscribe = watch.onUpdate(() => undefined);
  return { value: () => watch.localQueryResult() as T, unsubscribe };
}

const token = (claims = {}) =>
  signClerkToken({ sub: "user_1", sid: "sess_A", aud: "convex", ...claims });

test("a token the server accepts: confirmed by an identity version bump, and whoami runs with its identity", async () => {
  await bed.sessionCreated("sess_A");
  const client = bed.client("raw");
  const changes: boolean[] = [];
  const jwt = await token();
  client.setAuth(
    async () => jwt,
    (ok) => changes.push(ok),
  );
  const whoami = watch<{ sessionId?: string; userId?: string }>(
    client,
    api.sessions.whoami,
  );
  await advance(bed, 1_000);
  expect(changes).toEqual([true]);
  expect(whoami.value()).toMatchObject({
    authenticated: true,
    userId: "user_1",
    sessionId: "sess_A",
    session: { status: "active" },
  });
  expect(bed.server.count("confirmed")).toBeGreaterThanOrEqual(1);
});

test("a token with another audience is refused with AuthError and a close; the client gives up after its retries", async () => {
  const client = bed.client("raw");
  const changes: boolean[] = [];
  // Signed before the clock runs: the bed waits for its own Clerk's signing,
  // not for a token made here.
  const wrongAudience = await token({ aud: "my-app" });
  client.setAuth(
    async () => wrongAudience,
    (ok) => changes.push(ok),
  );
  await advance(bed, 30_000, 500);
  expect(changes).toEqual([false]);
  expect(bed.server.count("refused")).toBeGreaterThanOrEqual(1);
  expect(bed.server.events.find((e) => e.kind === "refused")).toMatchObject({
    reason: expect.stringMatching(/No auth provider found/),
  });
  expect(bed.server.connections.filter((c) => c.open)).toHaveLength(1);
});

test("a token that expires: AuthError at exp and a close; the client reauthenticates with a fresh one", async () => {
  const client = bed.client("raw");
  await bed.clerk.signIn("sess_A");
  const first = await token();
  let calls = 0;
  // The first two fetches (cached, then the forced refetch) give the same
  // token, so convex's client schedules no refresh and the token runs out.
  client.setAuth(async () =>
    ++calls <= 2 ? first : await bed.clerk.getToken({ skipCache: true }),
  );
  await advance(bed, 59_000, 1_000);
  expect(bed.server.count("expired")).toBe(0);
  await advance(bed, 2_000, 500);
  expect(bed.server.count("expired")).toBe(1);
  await advance(bed, 20_000, 500);
  expect(bed.server.count("connect")).toBe(2);
  expect(bed.server.count("confirmed")).toBe(2);
});

test("a mutation re-runs the subscribed queries of every connection", async () => {
  await bed.sessionCreated("sess_A");
  const writer = bed.client("writer");
  const reader = bed.client("reader");
  const jwt = await token();
  writer.setAuth(async () => jwt);
  reader.setAuth(async () => jwt);
  const mine = watch<string[]>(reader, api.notes.mine);
  await advance(bed, 1_000);
  expect(mine.value()).toEqual([]);
  const done = writer.mutation(api.notes.add, { text: "hello" });
  await advance(bed, 1_000);
  await done;
  expect(mine.value()).toEqual(["hello"]);
});

test("dropped connections: the client reconnects and authenticates again; answers wait out the latency", async () => {
  await bed.sessionCreated("sess_A");
  const client = bed.client("raw");
  const jwt = await token();
  client.setAuth(async () => jwt);
  const whoami = watch<{ authenticated: boolean }>(client, api.sessions.whoami);
  await advance(bed, 1_000);
  bed.server.latencyMs = 500;
  bed.server.dropAll();
  await advance(bed, 400, 100);
  expect(bed.server.count("dropped")).toBe(1);
  await advance(bed, 5_000, 100);
  expect(bed.server.count("connect")).toBe(2);
  expect(whoami.value()).toMatchObject({ authenticated: true });
});

test("the pre-fix client (convex 1.34.1) runs on the same server", async () => {
  await bed.sessionCreated("sess_A");
  const client = bed.preFixClient("prefix");
  const jwt = await token();
  const changes: boolean[] = [];
  client.setAuth(
    async () => jwt,
    (ok) => changes.push(ok),
  );
  await advance(bed, 1_000);
  expect(changes).toEqual([true]);
});
