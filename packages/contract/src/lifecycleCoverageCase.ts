import type { Scenario } from '@iot-task/msw';
import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { lifecycleShape } from './lifecycle.ts';
import { TRANSPORT_VARIANTS, variantLabel } from './transportVariants.ts';

export interface LifecycleCoverageCase {
  id: string;
  action: string;
  kind: 'lifecycle-coverage';
  title: string;
}

/** With scenarios to follow, one case per lifecycle action: what they covered together. */
export function lifecycleCoverageCases(action: string, scenarios: readonly Scenario[]): LifecycleCoverageCase[] {
  const shape = lifecycleShape(action);
  if (!shape || scenarios.length === 0) return [];
  return [
    {
      id: `${action}/lifecycle/coverage`,
      action,
      kind: 'lifecycle-coverage',
      title: `across the scenarios: every ${shape.status} of the spec's enum seen in every variant, and the terminal ones reached are exactly the spec's terminal set`,
    },
  ];
}

/** What the scenarios covered together: every enum value in every variant, and exactly the terminal set. */
function judgeCoverageCase(c: LifecycleCoverageCase, { run }: CaseContext): Outcome {
  const shape = lifecycleShape(c.action);
  if (!shape) return { problems: [`${c.action} has no status with terminal values`] };
  const observed = run.observations.get(c.action);
  if (!observed || observed.followed === 0) return { skip: 'no scenario was followed in this run' };
  const problems: string[] = [];
  for (const variant of TRANSPORT_VARIANTS) {
    const label = variantLabel(variant);
    const seen = observed.seen.get(label) ?? new Set<string>();
    const unseen = shape.values.filter((v) => !seen.has(v));
    if (unseen.length > 0)
      problems.push(`${label}: never seen ${unseen.join(', ')} (every ${shape.status} of the spec's enum is expected)`);
  }
  const reached = [...observed.reached];
  const missing = shape.terminal.filter((v) => !observed.reached.has(v));
  if (missing.length > 0 || reached.some((v) => !shape.terminal.includes(v))) {
    problems.push(
      `terminal ${shape.status}es reached: ${reached.join(', ') || '(none)'}; expected exactly the spec's ${shape.terminal.join(', ')}`,
    );
  }
  return { problems };
}

/** After the lifecycle cases: what they saw together. */
export const lifecycleCoverageKind: CaseKind<LifecycleCoverageCase> = {
  kinds: ['lifecycle-coverage'],
  cases: (run) =>
    Object.keys(actions).flatMap((action) => lifecycleCoverageCases(action, run.control?.scenarios ?? [])),
  judge: judgeCoverageCase,
};
