import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';

/** Every answer of the run carried its own RequestId (the `x-acs-request-id` header). */
export interface RequestIdCase {
  id: string;
  action: string;
  kind: 'request-ids';
  title: string;
}

/** The case, for the run's first action (it looks at every answer of the run, whatever the action). */
export function requestIdCase(action: string): RequestIdCase {
  return {
    id: 'request-ids',
    action,
    kind: 'request-ids',
    title: 'every answer of the run carried its own RequestId: a support ticket can name one request',
  };
}

function judgeRequestIdCase(_c: RequestIdCase, { run }: CaseContext): Outcome {
  if (run.requestIds.size === 0) return { skip: 'no answer carried a RequestId' };
  const repeated = [...run.requestIds].filter(([, count]) => count > 1);
  if (repeated.length === 0) return { problems: [] };
  const shown = repeated
    .slice(0, 3)
    .map(([id, count]) => `${id} (${count} answers)`)
    .join(', ');
  return {
    problems: [`${repeated.length} RequestId(s) answered more than once: ${shown}${repeated.length > 3 ? ', …' : ''}`],
  };
}

/** Last in a run: it reads every answer the run had. */
export const requestIdKind: CaseKind<RequestIdCase> = {
  kinds: ['request-ids'],
  cases: () => Object.keys(actions).slice(0, 1).map(requestIdCase),
  judge: judgeRequestIdCase,
};
