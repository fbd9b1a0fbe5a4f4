import { type Scenario, scenarioSteps } from '@iot-task/msw';
import { type ActionDescriptor, actions, type CompactSchema } from '@iot-task/spec';

/** Where an action's answers carry a lifecycle: the status field (with terminal values) and the progress field. */
export interface LifecycleShape {
  /** The parameter that names the thing polled (QueryTask: TaskId). */
  identity: string;
  status: string;
  /** Every status the spec allows, and those after which nothing changes. */
  values: readonly string[];
  terminal: readonly string[];
  progress?: string;
}

export interface LifecycleCase {
  id: string;
  action: string;
  kind: 'lifecycle';
  title: string;
  /** A task the kit seeds on a mock (scenario), one the user named (`--task-id`), or none (why). */
  follow: { scenario: Scenario } | { taskId: string } | { none: string };
}

export interface LifecycleCoverageCase {
  id: string;
  action: string;
  kind: 'lifecycle-coverage';
  title: string;
}

/**
 * The lifecycle shape of an action, if its success `Data` has a status with terminal values
 * (`x-acs-terminal-values`): only such actions get lifecycle cases.
 */
export function lifecycleShape(action: string): LifecycleShape | undefined {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const ok = descriptor?.responses['200']?.schema;
  const success = (ok?.oneOf ?? (ok ? [ok] : [])).find((b) => b.properties?.Success?.const === true);
  const data = success?.properties?.Data;
  if (!descriptor || !data?.properties) return undefined;
  const entries = Object.entries(data.properties) as [string, CompactSchema][];
  const status = entries.find(([, s]) => s['x-acs-terminal-values'] !== undefined);
  const identity = descriptor.parameters.find((p) => p.required && p.in === 'query' && p.schema.type === 'string');
  if (!status || !identity) return undefined;
  const progress = entries.find(([, s]) => s['x-iot-task-decode'] === 'number')?.[0];
  return {
    identity: identity.name,
    status: status[0],
    values: (status[1].enum ?? []) as string[],
    terminal: status[1]['x-acs-terminal-values'] ?? [],
    ...(progress ? { progress } : {}),
  };
}

/**
 * The lifecycle cases of an action against a target: one per mock scenario when the kit can seed
 * tasks, one per task the user named, and — with scenarios — one that checks what they covered.
 */
export function lifecycleCases(
  action: string,
  options: { scenarios: readonly Scenario[]; taskIds: readonly string[] },
): (LifecycleCase | LifecycleCoverageCase)[] {
  const shape = lifecycleShape(action);
  if (!shape) return [];
  const cases: (LifecycleCase | LifecycleCoverageCase)[] = options.scenarios.map((scenario) => ({
    id: `${action}/lifecycle/${scenario}`,
    action,
    kind: 'lifecycle',
    title: `a task of scenario ${scenario}, polled from its first step: every ${shape.status} in the spec's enum, ${shape.progress ?? 'progress'} never backwards, a terminal ${shape.status} stays`,
    follow: { scenario },
  }));
  for (const taskId of options.taskIds) {
    cases.push({
      id: `${action}/lifecycle/task/${taskId}`,
      action,
      kind: 'lifecycle',
      title: `task ${taskId}, polled a bounded number of times: every ${shape.status} in the spec's enum, ${shape.progress ?? 'progress'} never backwards, a terminal ${shape.status} stays`,
      follow: { taskId },
    });
  }
  if (cases.length === 0) {
    cases.push({
      id: `${action}/lifecycle`,
      action,
      kind: 'lifecycle',
      title: `the lifecycle of a task`,
      follow: {
        none: 'no task to follow: the target has no /__mock/ control surface to seed tasks; name tasks with --task-id (repeatable)',
      },
    });
  }
  if (options.scenarios.length > 0) {
    cases.push({
      id: `${action}/lifecycle/coverage`,
      action,
      kind: 'lifecycle-coverage',
      title: `across the scenarios: every ${shape.status} of the spec's enum seen, and the terminal ones reached are exactly the spec's terminal set`,
    });
  }
  return cases;
}

/** How many polls follow a task: a scenario's steps and two more (terminal must stay), or a fixed bound. */
export function pollsFor(follow: { scenario: Scenario } | { taskId: string }): number {
  return 'scenario' in follow ? scenarioSteps[follow.scenario].length + 2 : 5;
}

/** Whether the scenario is meant to end (its last step is terminal) — `stuck` is not. */
export function scenarioEnds(scenario: Scenario, shape: LifecycleShape): boolean {
  const last = scenarioSteps[scenario].at(-1);
  return last !== undefined && shape.terminal.includes(last.Status);
}

export interface Observed {
  status: unknown;
  progress: unknown;
}

/**
 * The problems of one polled sequence: statuses outside the enum, progress going backwards, a
 * terminal status that changes afterwards, and (when the task is meant to end) never ending.
 */
export function sequenceProblems(shape: LifecycleShape, seen: readonly Observed[], mustEnd: boolean): string[] {
  const problems: string[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  let ended: Observed | undefined;
  seen.forEach((step, index) => {
    const at = `poll ${index + 1}`;
    if (typeof step.status !== 'string' || !shape.values.includes(step.status)) {
      problems.push(
        `${at}: ${shape.status} ${JSON.stringify(step.status)} is not in the spec's enum (${shape.values.join(', ')})`,
      );
    }
    if (shape.progress && step.progress !== undefined) {
      const value = Number(step.progress);
      if (value < highest) problems.push(`${at}: ${shape.progress} went back from ${highest} to ${value}`);
      highest = Math.max(highest, value);
    }
    if (ended && (step.status !== ended.status || String(step.progress) !== String(ended.progress))) {
      problems.push(
        `${at}: after the terminal ${shape.status} ${String(ended.status)}, got ${String(step.status)} ${shape.progress ?? ''} ${String(step.progress)}`.trimEnd(),
      );
    }
    if (!ended && typeof step.status === 'string' && shape.terminal.includes(step.status)) ended = step;
  });
  if (mustEnd && !ended) {
    problems.push(
      `no terminal ${shape.status} within ${seen.length} polls (seen ${seen.map((s) => String(s.status)).join(' → ')})`,
    );
  }
  return problems;
}

/** The problems of what the scenarios covered together. */
export function coverageProblems(
  shape: LifecycleShape,
  seen: ReadonlySet<string>,
  reached: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const unseen = shape.values.filter((v) => !seen.has(v));
  if (unseen.length > 0)
    problems.push(`never seen: ${unseen.join(', ')} (every ${shape.status} of the spec's enum is expected)`);
  const extra = [...reached].filter((v) => !shape.terminal.includes(v));
  const missing = shape.terminal.filter((v) => !reached.has(v));
  if (extra.length > 0 || missing.length > 0) {
    problems.push(
      `terminal ${shape.status}es reached: ${[...reached].join(', ') || '(none)'}; expected exactly the spec's ${shape.terminal.join(', ')}`,
    );
  }
  return problems;
}
