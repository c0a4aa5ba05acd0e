import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain "N passed, N failed, N skipped" line CI reads, and lists each
 * skipped test with its reason (a test that cannot run here says why, never passes silently).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const reasons: string[] = [];
    for (const mod of modules) {
      for (const test of mod.children.allTests()) {
        const r = test.result();
        if (r.state === 'passed') passed++;
        else if (r.state === 'failed') failed++;
        else {
          skipped++;
          const note = r.state === 'skipped' ? r.note : undefined;
          reasons.push(`  skipped: ${test.fullName}${note ? ` — ${note}` : ''}`);
        }
      }
      if (mod.state() === 'failed' && mod.children.size === 0) failed++;
    }
    if (reasons.length) process.stdout.write(reasons.join('\n') + '\n');
    process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
