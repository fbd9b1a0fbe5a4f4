import { type Scenario, scenarioSteps } from '@iot-task/msw';
import { type ActionDescriptor, actions, type CompactSchema } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, parseAnswer } from './checkAnswer.ts';
import type { ContractRun } from './contractRun.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** Where an action's answers carry a lifecycle: the status field (with terminal values) and the fields that move with it. */
export interface LifecycleShape {
  /** The parameter that names the thing polled (QueryTask: TaskId). */
  identity: string;
  status: string;
  /** Every status the spec allows, and those after which nothing changes. */
  values: readonly string[];
  terminal: readonly string[];
  progress?: string;
  /** The time of the last change (never goes back, never before `queued`). */
  modified?: string;
  /** The time the thing was queued (never changes). */
  queued?: string;
  /** Fields that never change for the thing (a task's job and device). */
  fixed?: readonly string[];
}

export interface LifecycleCase {
  id: string;
  action: string;
  kind: 'lifecycle';
  title: string;
  /**
   * A task the kit seeds on a mock (a scenario, followed in one format while the signature and
   * method rotate; in an instance of the run's own when `instance`), one the user named
   * (`--task-id`), or none (why).
   */
  follow:
    | { scenario: Scenario; format: 'JSON' | 'XML'; offset: number; instance?: boolean }
    | { taskId: string }
    | { none: string };
}

/**
 * The lifecycle shape of an action, if its success `Data` has a status with terminal values:
 * only such actions get lifecycle cases. The fields come from the schema's
 * `x-iot-task-lifecycle` (status, progress, modified, queued); without it, the status is the
 * field with `x-acs-terminal-values` and the progress the one decoded as a number.
 */
export function lifecycleShape(action: string): LifecycleShape | undefined {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const ok = descriptor?.responses['200']?.schema;
  const success = (ok?.oneOf ?? (ok ? [ok] : [])).find((b) => b.properties?.Success?.const === true);
  const data = success?.properties?.Data;
  if (!descriptor || !data?.properties) return undefined;
  const entries = Object.entries(data.properties) as [string, CompactSchema][];
  const declared = data['x-iot-task-lifecycle'];
  const status = declared
    ? entries.find(([name]) => name === declared.status)
    : entries.find(([, s]) => s['x-acs-terminal-values'] !== undefined);
  const identity = descriptor.parameters.find((p) => p.required && p.in === 'query' && p.schema.type === 'string');
  if (!status || status[1]['x-acs-terminal-values'] === undefined || !identity) return undefined;
  const progress = declared ? declared.progress : entries.find(([, s]) => s['x-iot-task-decode'] === 'number')?.[0];
  return {
    identity: identity.name,
    status: status[0],
    values: (status[1].enum ?? []) as string[],
    terminal: status[1]['x-acs-terminal-values'] ?? [],
    ...(progress ? { progress } : {}),
    ...(declared?.modified ? { modified: declared.modified } : {}),
    ...(declared?.queued ? { queued: declared.queued } : {}),
    ...(declared?.fixed ? { fixed: declared.fixed } : {}),
  };
}

const NO_TASK =
  'no task to follow: the target has no /__mock/ control surface to seed tasks; name tasks with --task-id (repeatable)';

/**
 * The lifecycle cases of an action against a target: per mock scenario, one task followed in
 * JSON and one in XML (and one in an instance); one per task the user named; or one saying why
 * there is none. What the scenarios covered together is lifecycleCoverageCase.ts's.
 */
export function lifecycleCases(
  action: string,
  options: { scenarios: readonly Scenario[]; taskIds: readonly string[]; noTaskReason?: string | undefined },
): LifecycleCase[] {
  const shape = lifecycleShape(action);
  if (!shape) return [];
  const checks = `every ${shape.status} in the spec's enum, ${shape.progress ?? 'progress'} never backwards, a terminal ${shape.status} stays`;
  const cases: LifecycleCase[] = [];
  options.scenarios.forEach((scenario, offset) => {
    for (const format of ['JSON', 'XML'] as const) {
      cases.push({
        id: `${action}/lifecycle/${scenario}/${format}`,
        action,
        kind: 'lifecycle',
        title: `a task of scenario ${scenario}, polled in ${format} from its first step (signature and method in turn): ${checks}`,
        follow: { scenario, format, offset },
      });
    }
  });
  // A task of an instance answers when asked with its IotInstanceId (a parameter most tests never send).
  const [first] = options.scenarios;
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  if (first && descriptor?.parameters.some((p) => p.name === 'IotInstanceId' && p.in === 'query')) {
    cases.push({
      id: `${action}/lifecycle/instance/JSON`,
      action,
      kind: 'lifecycle',
      title: `a task of scenario ${first} in an instance, polled with its IotInstanceId: ${checks}`,
      follow: { scenario: first, format: 'JSON', offset: 1, instance: true },
    });
  }
  for (const taskId of options.taskIds) {
    cases.push({
      id: `${action}/lifecycle/task/${taskId}`,
      action,
      kind: 'lifecycle',
      title: `task ${taskId}, polled a bounded number of times in every variant: ${checks}`,
      follow: { taskId },
    });
  }
  if (cases.length === 0) {
    cases.push({
      id: `${action}/lifecycle`,
      action,
      kind: 'lifecycle',
      title: 'the lifecycle of a task',
      follow: { none: options.noTaskReason ?? NO_TASK },
    });
  }
  return cases;
}

export interface Observed {
  status: unknown;
  progress: unknown;
  modified?: unknown;
  queued?: unknown;
  /** The values of the shape's fixed fields. */
  fixed?: Readonly<Record<string, unknown>>;
  variant: TransportVariant;
  /** When the answer came, on the run's clock. */
  answeredAt: number;
}

/**
 * How far a time the server returns may be from the run's clock: clocks drift, but a time in
 * another time zone labelled Z is whole hours off.
 */
export const CLOCK_TOLERANCE_MS = 5 * 60_000;

/** A time the server returned, held to the run's clock: never after the answer, never before the task was made. */
function clockProblems(field: string, value: unknown, answeredAt: number, notBefore: number | undefined): string[] {
  if (typeof value !== 'string') return [];
  const time = Date.parse(value);
  if (Number.isNaN(time)) return [];
  const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;
  if (time > answeredAt + CLOCK_TOLERANCE_MS) {
    return [
      `${field} ${value} is ${minutes(time - answeredAt)} after the answer came (${new Date(answeredAt).toISOString()} on the run's clock; tolerance ${minutes(CLOCK_TOLERANCE_MS)}): a time in another zone labelled Z?`,
    ];
  }
  if (notBefore !== undefined && time < notBefore - CLOCK_TOLERANCE_MS) {
    return [
      `${field} ${value} is ${minutes(notBefore - time)} before the task was made (${new Date(notBefore).toISOString()} on the run's clock; tolerance ${minutes(CLOCK_TOLERANCE_MS)}): a time in another zone labelled Z?`,
    ];
  }
  return [];
}

/**
 * The problems of one polled sequence: statuses outside the enum, progress going backwards, a
 * terminal status that changes afterwards, the time of the last change going backwards, staying
 * put across a change, moving once the task has ended, or before the time queued, a time queued
 * that changes, times off the run's clock (after the answer came; before the task was made, when
 * `madeAt` says when), and (when the task is meant to end) never ending.
 */
export function sequenceProblems(
  shape: LifecycleShape,
  seen: readonly Observed[],
  mustEnd: boolean,
  madeAt?: number,
): string[] {
  const problems: string[] = [];
  let highest = Number.NEGATIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  let ended: Observed | undefined;
  const first = seen[0];
  seen.forEach((step, index) => {
    const at = `poll ${index + 1} (${variantLabel(step.variant)})`;
    if (shape.queued && first && step.queued !== first.queued) {
      problems.push(`${at}: ${shape.queued} changed from ${String(first.queued)} to ${String(step.queued)}`);
    }
    for (const field of shape.fixed ?? []) {
      if (first && step.fixed?.[field] !== first.fixed?.[field]) {
        problems.push(
          `${at}: ${field} changed from ${JSON.stringify(first.fixed?.[field])} to ${JSON.stringify(step.fixed?.[field])} (it never changes for one task)`,
        );
      }
    }
    if (shape.modified)
      problems.push(...clockProblems(shape.modified, step.modified, step.answeredAt, madeAt).map((p) => `${at}: ${p}`));
    if (shape.queued)
      problems.push(...clockProblems(shape.queued, step.queued, step.answeredAt, madeAt).map((p) => `${at}: ${p}`));
    if (shape.modified && ended && step.modified !== ended.modified) {
      problems.push(
        `${at}: ${shape.modified} moved from ${String(ended.modified)} to ${String(step.modified)} after the terminal ${shape.status} ${String(ended.status)}, though nothing can change once a task has ended`,
      );
    }
    if (shape.modified && typeof step.modified === 'string') {
      const modified = Date.parse(step.modified);
      if (modified < latest) {
        problems.push(
          `${at}: ${shape.modified} went back to ${step.modified} (it was ${new Date(latest).toISOString()})`,
        );
      }
      // It is the time of the last change: a change that leaves it where it was did not record itself.
      const before = seen[index - 1];
      const moved =
        before !== undefined &&
        (before.status !== step.status || String(before.progress ?? 0) !== String(step.progress ?? 0));
      if (moved && before.modified === step.modified) {
        problems.push(
          `${at}: ${shape.status} ${shape.progress ? `/ ${shape.progress} ` : ''}changed (${String(before.status)} ${String(before.progress)} → ${String(step.status)} ${String(step.progress)}) but ${shape.modified} stayed ${step.modified}`,
        );
      }
      latest = Math.max(latest, modified);
      const queued = typeof step.queued === 'string' ? Date.parse(step.queued) : Number.NaN;
      if (modified < queued)
        problems.push(`${at}: ${shape.modified} ${step.modified} is before ${shape.queued} ${String(step.queued)}`);
    }
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
    if (ended && (step.status !== ended.status || String(step.progress ?? 0) !== String(ended.progress ?? 0))) {
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

/**
 * Whether the task went the way its scenario says: the statuses and progress polled are the
 * scenario's steps, in order (a step may be seen more than once, none may be skipped when the
 * task moves one step per query), ending on its last step.
 */
export function scenarioProblems(scenario: Scenario, shape: LifecycleShape, seen: readonly Observed[]): string[] {
  const steps = scenarioSteps[scenario].map((s) => `${s.Status}${shape.progress ? ` ${s.Progress}` : ''}`);
  // An absent progress is "nothing reported yet", which the scenario writes as 0.
  const observed = seen.map((s) => `${String(s.status)}${shape.progress ? ` ${String(s.progress ?? 0)}` : ''}`);
  let at = 0;
  for (const [index, step] of observed.entries()) {
    if (step === steps[at]) continue;
    if (step === steps[at + 1]) {
      at += 1;
      continue;
    }
    return [
      `poll ${index + 1}: scenario ${scenario} goes ${steps.join(' → ')}; after ${steps[at]} came ${step} (seen ${observed.join(' → ')})`,
    ];
  }
  if (at < steps.length - 1 && observed.length >= steps.length) {
    return [
      `scenario ${scenario} goes ${steps.join(' → ')}; it stopped at ${steps[at]} (seen ${observed.join(' → ')})`,
    ];
  }
  return [];
}

/** Whether the scenario is meant to end (its last step is terminal) — `stuck` is not. */
function scenarioEnds(scenario: Scenario, shape: LifecycleShape): boolean {
  const last = scenarioSteps[scenario].at(-1);
  return last !== undefined && shape.terminal.includes(last.Status);
}

/** The variant of poll `index` of a followed task: format fixed for a scenario, signature and method in turn. */
function pollVariant(follow: LifecycleCase['follow'], index: number): TransportVariant {
  if ('scenario' in follow) {
    const same = TRANSPORT_VARIANTS.filter((v) => v.format === follow.format);
    return same[(follow.offset + index) % same.length] as TransportVariant;
  }
  return TRANSPORT_VARIANTS[index % TRANSPORT_VARIANTS.length] as TransportVariant;
}

/**
 * Follows one task: seeds it (on a mock) and polls it — a scenario's steps and, once its JSON
 * task has ended, once more in every variant (terminal must stay terminal, whichever way it is
 * asked); a named task a bounded number of times, a second apart.
 */
async function judgeLifecycleCase(c: LifecycleCase, { run, params: wire }: CaseContext): Promise<Outcome> {
  const params = wire();
  const { target } = run;
  const shape = lifecycleShape(c.action);
  if (!shape) return { problems: [`${c.action} has no status with terminal values`] };
  if ('none' in c.follow) return { skip: c.follow.none };
  let taskId: string;
  let polls: number;
  let instance: Record<string, string> = {};
  let madeAt: number | undefined;
  if ('scenario' in c.follow) {
    if (!run.control) return { skip: NO_TASK };
    const where = c.follow.instance ? 'instance-' : '';
    taskId = `contract-${where}${c.follow.scenario}-${c.follow.format.toLowerCase()}-${run.runId}`;
    if (c.follow.instance) instance = { IotInstanceId: `contract-instance-${run.runId}` };
    madeAt = target.clock.now();
    await run.control.seedTask(taskId, c.follow.scenario, instance);
    polls = scenarioSteps[c.follow.scenario].length + 1;
  } else {
    taskId = c.follow.taskId;
    polls = 5;
  }
  const query = async (variant: TransportVariant): Promise<Observed | string[]> => {
    const request = await rawRequest(target.baseUrl, {
      action: c.action,
      params: { ...params, ...instance, [shape.identity]: taskId },
      signature: variant.signature,
      method: variant.method,
      format: variant.format,
      credentials: target.credentials,
      timestamp: utcSeconds(target.clock.now()),
    });
    const raw = await readRaw(await run.send(request));
    const problems = checkAnswer(c.action, variant.method, raw, { outcome: 'success' }, variant.format);
    const parsed = parseAnswer(c.action, raw, variant.format);
    if (raw.status !== 200 || 'unreadable' in parsed) return problems;
    const data = ((parsed.body as { Data?: Record<string, unknown> } | undefined)?.Data ?? {}) as Record<
      string,
      unknown
    >;
    // The answer is about the task asked for.
    if (shape.identity in data && data[shape.identity] !== taskId) {
      problems.push(
        `Data.${shape.identity}: asked for ${taskId}, answered about ${JSON.stringify(data[shape.identity])}`,
      );
    }
    return {
      status: data[shape.status],
      progress: shape.progress ? data[shape.progress] : undefined,
      ...(shape.modified ? { modified: data[shape.modified] } : {}),
      ...(shape.queued ? { queued: data[shape.queued] } : {}),
      ...(shape.fixed ? { fixed: Object.fromEntries(shape.fixed.map((field) => [field, data[field]])) } : {}),
      variant,
      answeredAt: target.clock.now(),
      ...(problems.length > 0 ? { problems } : {}),
    } as Observed;
  };
  const problems: string[] = [];
  const seen: Observed[] = [];
  const record = (index: number, result: Observed | string[]) => {
    if (Array.isArray(result)) {
      problems.push(...result.map((p) => `poll ${index + 1}: ${p}`));
      return false;
    }
    const answerProblems = (result as Observed & { problems?: string[] }).problems ?? [];
    problems.push(...answerProblems.map((p) => `poll ${index + 1} (${variantLabel(result.variant)}): ${p}`));
    seen.push(result);
    return true;
  };
  for (let index = 0; index < polls; index++) {
    if (index > 0 && 'taskId' in c.follow) await target.clock.sleep(1000);
    if (!record(index, await query(pollVariant(c.follow, index)))) break;
    const last = seen.at(-1)?.status;
    if ('scenario' in c.follow && typeof last === 'string' && shape.terminal.includes(last)) break;
  }
  const ended = seen.some((s) => typeof s.status === 'string' && shape.terminal.includes(s.status));
  if ('scenario' in c.follow && ended) {
    // A terminal status stays, whichever way the task is asked for: the JSON task asks every variant.
    const variants = c.follow.format === 'JSON' ? TRANSPORT_VARIANTS : [pollVariant(c.follow, seen.length)];
    for (const variant of variants) record(seen.length, await query(variant));
  }
  const mustEnd = 'scenario' in c.follow && scenarioEnds(c.follow.scenario, shape);
  problems.push(...sequenceProblems(shape, seen, mustEnd, madeAt));
  if ('scenario' in c.follow) problems.push(...scenarioProblems(c.follow.scenario, shape, seen));
  if ('scenario' in c.follow) {
    const observed = run.observations.get(c.action) ?? { seen: new Map(), reached: new Set(), followed: 0 };
    observed.followed++;
    for (const step of seen) {
      if (typeof step.status !== 'string') continue;
      const label = variantLabel(step.variant);
      const statuses = observed.seen.get(label) ?? new Set<string>();
      statuses.add(step.status);
      observed.seen.set(label, statuses);
    }
    const terminal = seen.find((s) => typeof s.status === 'string' && shape.terminal.includes(s.status));
    if (terminal) observed.reached.add(terminal.status as string);
    run.observations.set(c.action, observed);
  }
  return { problems };
}

/** The options a run gives the lifecycle cases: the mock's scenarios, the tasks named, why none. */
export function lifecycleOptions(run: ContractRun) {
  return {
    scenarios: run.control?.scenarios ?? [],
    taskIds: run.target.followTaskIds,
    noTaskReason: run.unreachable ?? run.controlProblem,
  };
}

/** Tasks followed through their lifecycles, for every action whose answer has a terminal status. */
export const lifecycleKind: CaseKind<LifecycleCase> = {
  kinds: ['lifecycle'],
  cases: (run) => Object.keys(actions).flatMap((action) => lifecycleCases(action, lifecycleOptions(run))),
  judge: judgeLifecycleCase,
};
