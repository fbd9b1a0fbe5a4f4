import { startRun } from './contractRun.ts';
import { type CaseResult, casesFor, runCase } from './runContract.ts';
import type { ContractTarget } from './targets.ts';

type Describe = (name: string, body: () => void) => void;
type TestContext = { skip?: (note?: string) => void };
type It = ((name: string, body: (context: TestContext) => Promise<void>, timeout?: number) => void) & {
  skip: (name: string, body: () => Promise<void>) => void;
};

function failure(result: CaseResult): Error {
  return new Error(result.problems.join('\n'));
}

/**
 * Registers the contract suite as Vitest (or Jest) tests, one per case, so failures show by
 * name in the runner. Pass the runner's `describe` and `it`; the kit does not import a runner.
 * Await it at the top of the test file: it first finds out what the target offers (a mock's
 * control surface adds the lifecycle cases).
 *
 * @example
 * import { describe, it } from 'vitest';
 * await describeContract(baseUrlTarget(process.env.IOT_BASE_URL!), { describe, it });
 */
export async function describeContract(target: ContractTarget, runner: { describe: Describe; it: It }): Promise<void> {
  const run = await startRun(target);
  runner.describe(`contract: ${target.name}`, () => {
    for (const c of casesFor(run)) {
      if (target.skipReason) {
        runner.it.skip(`${c.id} (${target.skipReason})`, async () => undefined);
        continue;
      }
      runner.it(
        `${c.id}: ${c.title}`,
        async (context) => {
          const result = await runCase(run, c);
          if (result.outcome === 'failed') throw failure(result);
          if (result.outcome === 'skipped') context?.skip?.(result.skipReason);
        },
        120_000,
      );
    }
  });
}
