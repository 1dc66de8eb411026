/** `npm run demo` plays this story; the test keeps it telling the truth. */
import { afterEach, expect, test, vi } from "vitest";
import { playStory } from "../demo/story.js";

afterEach(() => vi.unstubAllEnvs());

test("the demo story reaches each verdict and refuses the forged webhook", async () => {
  vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", "");
  const lines: string[] = [];
  await playStory((line) => lines.push(line));
  const verdicts = lines
    .filter((line) => line.includes("->"))
    .map((line) => line.split("-> ")[1]);
  expect(verdicts).toEqual([
    "in_sync",
    "convex_stale_session",
    "convex_stale_session",
    "in_sync",
    "in_sync",
  ]);
  const statuses = lines.flatMap(
    (line) => /HTTP (\d+) (.*)$/.exec(line)?.slice(1, 3).join(" ") ?? [],
  );
  expect(statuses).toEqual([
    '200 {"result":"applied"}',
    '200 {"result":"duplicate"}',
    '200 {"result":"applied"}',
    '200 {"result":"applied"}',
    '200 {"result":"stale"}',
    '400 {"error":"no signature matches"}',
  ]);
});
