/**
 * Ends a vitest run with the counts some suites report (the corpus size, the
 * property-test runs) and one plain line, `N passed, N failed, N skipped`,
 * that any CI log reader understands.
 */
import type { Reporter, TestModule } from "vitest/node";

declare module "vitest" {
  interface TaskMeta {
    /** A line a passing test wants printed at the end of the run. */
    reportedCount?: string;
  }
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const reported: string[] = [];
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === "passed") counts.passed += 1;
        else if (state === "failed") counts.failed += 1;
        else counts.skipped += 1;
        const line = testCase.meta().reportedCount;
        if (state === "passed" && line !== undefined) reported.push(line);
      }
    }
    const lines = [
      ...reported.sort(),
      `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    ];
    process.stdout.write(`\n${lines.join("\n")}\n`);
  }
}
