// @vitest-environment node
/**
 * <SessionDiagnosticsPanel /> in a real headless Chromium (Debian's, driven
 * by playwright-core), with convex's ConvexReactClient in the page talking
 * over a real WebSocket on 127.0.0.1 to the test bed's sync server: the
 * seed's sign-out and sign-in show on the panel as they happen. Writes
 * artifacts/diagnostics-panel.png; UPDATE_DOCS_SCREENSHOT=1 also writes the
 * README's copy, docs/diagnostics-panel.png.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  copyFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import {
  startBrowserFront,
  type BrowserFront,
} from "../../fixtures/browser/browserFront.js";
import { preloadExampleApp } from "../../fixtures/exampleApp.js";
import { TEST_SECRET } from "../../fixtures/svixDelivery.js";
import {
  createTestBed,
  type TestBed,
} from "../../fixtures/syncServer/testBed.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const repo = join(import.meta.dirname, "../..");
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === "true") {
  throw new Error(
    `${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium); the browser test must run in CI`,
  );
}

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [join(repo, "fixtures/browser/page/main.tsx")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"development"' },
    logLevel: "error",
  });
  return result.outputFiles[0]?.text ?? "";
}

describe.skipIf(!haveChromium)("the devtools panel in Chromium", () => {
  let bed: TestBed;
  let front: BrowserFront;
  let context: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    await preloadExampleApp();
    vi.stubEnv("CLERK_WEBHOOK_SIGNING_SECRET", TEST_SECRET);
    bed = await createTestBed();
    front = await startBrowserFront(bed, await bundlePage());
    profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1000, height: 620 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await front?.close();
    await bed?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    vi.unstubAllEnvs();
  });

  const verdict = () => page.getByTestId("verdict");
  const card = (side: string) => page.locator(`[data-side="${side}"]`);

  test("shows the three sides, the verdict and the timeline through a sign-out and a sign-in", async () => {
    await bed.sessionCreated("sess_A");
    await bed.clerk.signIn("sess_A");
    await page.goto(front.url);
    const wait = { timeout: 20_000 };
    await verdict()
      .filter({ hasText: /^in_sync$/ })
      .waitFor(wait);
    await card("server").filter({ hasText: "sess_A" }).waitFor(wait);
    expect(await card("convex").textContent()).toContain("authenticated");

    bed.clerk.signOut();
    await bed.sessionEnded("sess_A");
    await verdict()
      .filter({ hasText: /^signed_out$/ })
      .waitFor(wait);
    expect(await card("clerk").textContent()).toContain("signed in: no");

    await bed.sessionCreated("sess_B");
    await bed.clerk.signIn("sess_B");
    await verdict()
      .filter({ hasText: /^in_sync$/ })
      .waitFor(wait);
    await card("server").filter({ hasText: "sess_B" }).waitFor(wait);
    expect(await card("clerk").textContent()).toContain("sess_B");

    const timeline = await page.getByLabel("timeline").innerText();
    expect(timeline).toMatch(/clerk\s+signed in, sess_A/);
    expect(timeline).toMatch(/clerk\s+signed out/);
    expect(timeline).toMatch(/verdict\s+\S+ -> signed_out/);
    expect(timeline).toMatch(/clerk\s+signed in, sess_B/);
    expect(timeline).toMatch(/server\s+whoami sess_B \(active\)/);
    expect(timeline).toMatch(/token\s+fetch .*changed: sid/);

    await page.getByRole("button", { name: "Recover now" }).click();
    await page
      .getByTestId("recover-outcome")
      .filter({ hasText: "Convex confirmed Clerk's session" })
      .waitFor(wait);

    mkdirSync(join(repo, "artifacts"), { recursive: true });
    const shot = join(repo, "artifacts/diagnostics-panel.png");
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOT === "1") {
      mkdirSync(join(repo, "docs"), { recursive: true });
      copyFileSync(shot, join(repo, "docs/diagnostics-panel.png"));
    }
    expect(existsSync(shot)).toBe(true);
  }, 90_000);

  test("while Convex refuses every token the panel shows the give-up; Recover now brings it back once Convex accepts again", async () => {
    const wait = { timeout: 30_000 };
    bed.server.refuse = () => "Token refused for the test";
    bed.server.dropAll();
    await verdict()
      .filter({ hasText: /^convex_unauthenticated$/ })
      .waitFor(wait);
    await page.getByText(/recovery: gave_up/).waitFor(wait);
    expect(await page.getByLabel("timeline").innerText()).toMatch(
      /recovery\s+gave_up, attempt \d+, NOT_CONFIRMED/,
    );
    bed.server.refuse = () => null;
    await page.getByRole("button", { name: "Recover now" }).click();
    await verdict()
      .filter({ hasText: /^in_sync$/ })
      .waitFor(wait);
    await page
      .getByTestId("recover-outcome")
      .filter({ hasText: "Convex confirmed Clerk's session" })
      .waitFor(wait);
    expect(await page.getByLabel("timeline").innerText()).toMatch(
      /recovery\s+recovered/,
    );
  }, 90_000);
});
