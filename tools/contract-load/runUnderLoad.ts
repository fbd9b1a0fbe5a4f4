/**
 * `npm run contract:under-load [-- --runs 10 --quota 50 --burners 2]`: the contract kit against
 * the unmutated mock server over HTTP while busy loops keep every core loaded, run after run. A
 * verdict that load can spoil (the throttling burst) must come out inconclusive, never red: any
 * failed case makes this exit 1. Prints each run's counts and, at the end, the tally.
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { baseUrlTarget, runContract } from '@iot-task/contract';
import { createMockServer } from '@iot-task/mock-server';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    quota: { type: 'string', default: '50' },
    burners: { type: 'string', default: '2' },
  },
});
const whole = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`contract:under-load: --${name}: expected a whole number, received ${text}`);
    process.exit(2);
  }
  return n;
};
const runs = whole('runs', values.runs);
const quota = whole('quota', values.quota);
const burnerCount = whole('burners', values.burners);

const burners = Array.from({ length: burnerCount }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const server = await createMockServer({ port: 0, quota: { requestsPerSecond: quota } });
let red = 0;
let inconclusive = 0;
try {
  for (let run = 1; run <= runs; run++) {
    const report = await runContract(baseUrlTarget(server.url, { requestsPerSecond: quota }));
    red += report.failed > 0 ? 1 : 0;
    inconclusive += report.inconclusive > 0 ? 1 : 0;
    const failed = report.results.filter((r) => r.outcome === 'failed');
    console.log(
      `run ${run}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped, ${report.inconclusive} inconclusive in ${(report.durationMs / 1000).toFixed(1)}s`,
    );
    for (const r of failed.slice(0, 3)) console.log(`    ✖ ${r.id}: ${r.problems[0] ?? ''}`);
    for (const r of report.results.filter((r) => r.outcome === 'inconclusive'))
      console.log(`    ? ${r.id}: ${r.skipReason}`);
  }
} finally {
  for (const burner of burners) burner.kill('SIGKILL');
  await server.close();
}
console.log(
  `\n${runs} run(s) with ${burnerCount} busy loop(s), quota ${quota}/s: ${runs - red} without a failure (${inconclusive} with an inconclusive case), ${red} red`,
);
process.exitCode = red === 0 ? 0 : 1;
