import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import type { ContractRun } from './contractRun.ts';

/**
 * The one case a run has when the target did not answer its first request: every other case
 * would fail for the same reason, so the run says it once, with the fix, instead.
 */
export interface ReachabilityCase {
  id: string;
  action: string;
  kind: 'reachability';
  title: string;
}

export function reachabilityCase(action: string): ReachabilityCase {
  return {
    id: 'target/reachable',
    action,
    kind: 'reachability',
    title: 'the target answers at all (every other case needs it)',
  };
}

/** What to do about a target that does not answer, by kind of target. */
function fixFor(run: ContractRun): string {
  switch (run.target.kind) {
    case 'base-url':
      return `is a server listening at ${run.target.baseUrl}? Start one (npx iot-task-mock) or correct --base-url`;
    case 'live':
      return `check the network and the region's endpoint (${run.target.baseUrl})`;
    default:
      return 'the in-process handlers did not answer: check the handlers passed to the target';
  }
}

function judgeReachabilityCase(_c: ReachabilityCase, { run }: CaseContext): Outcome {
  return { problems: run.unreachable ? [`${run.unreachable}: ${fixFor(run)}`] : [] };
}

/** The only case of a run whose target did not answer at all (and none of one that did). */
export const reachabilityKind: CaseKind<ReachabilityCase> = {
  kinds: ['reachability'],
  cases: (run) => (run.unreachable ? Object.keys(actions).slice(0, 1).map(reachabilityCase) : []),
  judge: judgeReachabilityCase,
};
