import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    environment: "edge-runtime",
    include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"],
    server: { deps: { inline: ["convex-test"] } },
    // Logs of passing tests are noise; a failing test shows its own.
    silent: "passed-only",
    reporters: ["default", "./scripts/summaryReporter.ts"],
  },
});
