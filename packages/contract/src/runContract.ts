import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { Outcome } from './caseKind.ts';
import { caseKinds, type KitCase, kindOf } from './caseKinds.ts';
import { type ContractRun, NoAnswerError, startRun } from './contractRun.ts';
import { reachabilityKind } from './reachabilityCase.ts';
import { knownValues, requestParams, wireParams } from './requestParams.ts';
import type { ContractTarget } from './targets.ts';

export type { KitCase } from './caseKinds.ts';

export interface CaseResult {
  id: string;
  action: string;
  kind: KitCase['kind'];
  title: string;
  /** `inconclusive`: the kit could not tell (a verdict the machine's load spoiled), neither pass nor fail. */
  outcome: 'passed' | 'failed' | 'skipped' | 'inconclusive';
  /** What does not conform, one line each naming what was expected and what came back (empty when passed). */
  problems: string[];
  /** Why the case was skipped, or why it is inconclusive. */
  skipReason?: string;
  /** What the case could not check here, and why (it still passed or failed on the rest). */
  warnings?: string[];
  durationMs: number;
}

export interface ContractReport {
  target: string;
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
  inconclusive: number;
  durationMs: number;
}

/**
 * The cases a run puts the target through, in the order they run (see caseKinds). A target that
 * does not answer gets one failing case naming why, not hundreds saying the same (nor the spec's
 * own example checks, which would read as if the target had passed them).
 */
export function casesFor(run: ContractRun): KitCase[] {
  if (run.unreachable) return [...reachabilityKind.cases(run)];
  return caseKinds.flatMap((kind) => kind.cases(run) as readonly KitCase[]);
}

function descriptorOf(action: string): ActionDescriptor {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  if (!descriptor) throw new Error(`the spec has no action ${action}`);
  return descriptor;
}

/** Runs one case of a run (see startRun: the cases of a run share its pacing, run ID and observations). */
export async function runCase(run: ContractRun, c: KitCase): Promise<CaseResult> {
  const started = performance.now();
  let outcome: Outcome;
  if (run.target.skipReason) outcome = { skip: run.target.skipReason };
  else {
    try {
      const descriptor = descriptorOf(c.action);
      const params = () => {
        const built = requestParams(descriptor, knownValues(run.target));
        if ('cannot' in built) throw new Error(`cannot build the request: ${built.cannot}`);
        return wireParams(built.params);
      };
      outcome = await kindOf(c).judge(c, { run, descriptor, params });
    } catch (error) {
      outcome = {
        problems: [
          error instanceof NoAnswerError
            ? error.message
            : `the case could not run: ${error instanceof Error ? error.message : String(error)}`,
        ],
      };
    }
  }
  const base = { id: c.id, action: c.action, kind: c.kind, title: c.title, durationMs: performance.now() - started };
  if ('skip' in outcome) return { ...base, outcome: 'skipped', problems: [], skipReason: outcome.skip };
  if ('inconclusive' in outcome)
    return { ...base, outcome: 'inconclusive', problems: [], skipReason: outcome.inconclusive };
  return {
    ...base,
    outcome: outcome.problems.length > 0 ? 'failed' : 'passed',
    problems: outcome.problems,
    ...(outcome.warnings?.length ? { warnings: outcome.warnings } : {}),
  };
}

/**
 * Runs the contract suite against a target: every case (or those `filter` keeps), one after the
 * other, paced under the target's quota on the target's clock.
 *
 * @example
 * const report = await runContract(baseUrlTarget('http://127.0.0.1:4010'));
 * if (report.failed > 0) process.exitCode = 1;
 */
export async function runContract(
  target: ContractTarget,
  options: {
    filter?: (c: KitCase) => boolean;
    onResult?: (r: CaseResult) => void;
    /** Stops the run between cases (the report holds those that ran). */
    signal?: AbortSignal;
  } = {},
): Promise<ContractReport> {
  const started = performance.now();
  const run = await startRun(target);
  const results: CaseResult[] = [];
  for (const c of casesFor(run).filter(options.filter ?? (() => true))) {
    if (options.signal?.aborted) break;
    const result = await runCase(run, c);
    options.onResult?.(result);
    results.push(result);
  }
  return {
    target: target.name,
    results,
    passed: results.filter((r) => r.outcome === 'passed').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
    inconclusive: results.filter((r) => r.outcome === 'inconclusive').length,
    durationMs: performance.now() - started,
  };
}
