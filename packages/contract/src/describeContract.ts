import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import { runCase } from './runContract.ts';
import type { ContractTarget } from './targets.ts';

type Describe = (name: string, body: () => void) => void;
type It = ((name: string, body: () => Promise<void>, timeout?: number) => void) & {
  skip: (name: string, body: () => Promise<void>) => void;
};

/**
 * Registers the contract suite as Vitest (or Jest) tests, one per case, so failures show by
 * name in the runner. Pass the runner's `describe` and `it`; the kit does not import a runner.
 *
 * @example
 * import { describe, it } from 'vitest';
 * describeContract(baseUrlTarget(process.env.IOT_BASE_URL!), { describe, it });
 */
export function describeContract(
  target: ContractTarget,
  runner: { describe: Describe; it: It },
  options: { cases?: readonly ContractCase[] } = {},
): void {
  runner.describe(`QueryTask contract: ${target.name}`, () => {
    for (const c of options.cases ?? contractCases) {
      if (target.skipReason) {
        runner.it.skip(`${c.id} (${target.skipReason})`, async () => undefined);
        continue;
      }
      runner.it(
        `${c.id}: ${c.title}`,
        async () => {
          const result = await runCase(target, c);
          if (result.outcome === 'failed') throw new Error(result.problems.join('\n'));
        },
        30_000,
      );
    }
  });
}
