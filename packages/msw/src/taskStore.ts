import { actions, QueryTaskExamples, TaskStatusTerminalValues } from '@iot-task/spec';
import { isScenario, type Scenario, scenarioSteps, type TaskStep } from './scenarios.ts';

/** How tasks move along their scenario: one step per query of that task, or one per `everyMs`. */
export type Advance = 'per-query' | { everyMs: number };

export interface SeedTask {
  TaskId: string;
  /** @default 'succeeds' */
  scenario?: Scenario;
  /** The task's instance; queries must then pass the same `IotInstanceId`. */
  IotInstanceId?: string;
  /** Fields to set on every answer (JobId, DeviceName, …). */
  data?: Partial<Record<'JobId' | 'JobName' | 'IotId' | 'ProductKey' | 'DeviceName', string>>;
  /** Overrides the store's `advance` for this task. */
  advance?: Advance;
}

interface StoredTask {
  seed: Required<Pick<SeedTask, 'TaskId' | 'scenario'>> & SeedTask;
  createdAt: number;
  queries: number;
  /** When the current step began, for UtcModified. */
  stepSince: number;
  lastStep: number;
}

export type TaskQueryResult = { ok: true; task: Record<string, unknown> } | { ok: false; code: string };

/** A device, as ListTask's `Device` names it: by IotId, or by ProductKey and DeviceName. */
export interface DeviceSelector {
  IotId?: string;
  ProductKey?: string;
  DeviceName?: string;
}

/** Which tasks a list shows. */
export interface TaskFilter {
  JobId?: string;
  Device?: DeviceSelector;
  Status?: string;
  IotInstanceId?: string;
}

/** A job as the tasks it owns make it: its status is theirs (in progress until all have ended). */
export interface JobView {
  JobId: string;
  JobName: string;
  Status: 'IN_PROGRESS' | 'COMPLETED';
  /** When its first task was queued, and when a task of it last changed. */
  UtcCreate: string;
  UtcModified: string;
  tasks: number;
}

/** The business error the spec names for a parameter that names nothing (`x-acs-unknown-value-error`). */
function unknownValueError(name: 'TaskId' | 'IotInstanceId'): string {
  const code = actions.QueryTask.parameters.find((p) => p.name === name)?.unknownValueErrors?.[0];
  if (!code) throw new Error(`the spec names no x-acs-unknown-value-error for QueryTask's ${name}`);
  return code;
}
const TASK_NOT_FOUND = unknownValueError('TaskId');
const INSTANCE_NOT_FOUND = unknownValueError('IotInstanceId');

export class TaskSeedError extends Error {
  override name = 'TaskSeedError';
}

const example = QueryTaskExamples['200']['application/json'].Succeeded.Data;
/** The seed's example task (querytask-api seed document): it exists by default. */
export const EXAMPLE_TASK_ID = example.TaskId;
/** The job of the example task: it exists by default, and tasks seeded without a JobId join it. */
export const EXAMPLE_JOB_ID = example.JobId;

const TERMINAL = new Set<string>(TaskStatusTerminalValues);

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The mock's tasks. Deterministic: a task's answer depends only on its seed, how many times it
 * was queried (`per-query`) or the clock (`everyMs`), never on randomness.
 */
export class TaskStore {
  private readonly tasks = new Map<string, StoredTask>();
  private readonly instances = new Set<string>();
  private readonly advance: Advance;
  private readonly now: () => number;
  private readonly defaults: SeedTask[];

  constructor(options: { advance?: Advance; now?: () => number; seeds?: SeedTask[]; instances?: string[] } = {}) {
    this.advance = options.advance ?? 'per-query';
    this.now = options.now ?? Date.now;
    this.defaults = options.seeds ?? [{ TaskId: EXAMPLE_TASK_ID, scenario: 'succeeds' }];
    for (const id of options.instances ?? []) this.instances.add(id);
    this.reset();
  }

  /** Whether an instance exists (named when the mock was made, or by a seeded task). */
  hasInstance(iotInstanceId: string): boolean {
    return this.instances.has(iotInstanceId);
  }

  /** Adds or replaces a task; it starts at the first step of its scenario. */
  seed(task: SeedTask): void {
    if (typeof task?.TaskId !== 'string' || task.TaskId.trim() === '') {
      throw new TaskSeedError('TaskId: expected a non-empty string');
    }
    const scenario = task.scenario ?? 'succeeds';
    if (!isScenario(scenario)) {
      throw new TaskSeedError(
        `scenario: expected one of ${Object.keys(scenarioSteps).join(', ')}, received ${JSON.stringify(scenario)}`,
      );
    }
    const advance = task.advance;
    if (
      advance !== undefined &&
      advance !== 'per-query' &&
      !(typeof advance === 'object' && advance !== null && advance.everyMs > 0)
    ) {
      throw new TaskSeedError("advance: expected 'per-query' or { everyMs: <positive number> }");
    }
    if (task.IotInstanceId !== undefined && typeof task.IotInstanceId !== 'string') {
      throw new TaskSeedError('IotInstanceId: expected a string');
    }
    if (task.data !== undefined && (typeof task.data !== 'object' || task.data === null || Array.isArray(task.data))) {
      throw new TaskSeedError('data: expected an object of fields ({ "JobId": …, "DeviceName": … })');
    }
    if (task.IotInstanceId) this.instances.add(task.IotInstanceId);
    const now = this.now();
    this.tasks.set(task.TaskId, {
      seed: { ...task, scenario },
      createdAt: now,
      queries: 0,
      stepSince: now,
      lastStep: 0,
    });
  }

  /** Back to the default seeds (the example task), every task at its first step. */
  reset(): void {
    this.tasks.clear();
    for (const seed of this.defaults) this.seed(seed);
  }

  /** IDs and current steps, without advancing anything. */
  steps(): { TaskId: string; scenario: Scenario; step: TaskStep }[] {
    return [...this.tasks.values()].map((t) => ({
      TaskId: t.seed.TaskId,
      scenario: t.seed.scenario,
      step: scenarioSteps[t.seed.scenario][this.stepIndex(t, this.now())] as TaskStep,
    }));
  }

  private stepIndex(task: StoredTask, now: number): number {
    const steps = scenarioSteps[task.seed.scenario];
    const advance = task.seed.advance ?? this.advance;
    const raw = advance === 'per-query' ? task.queries - 1 : Math.floor((now - task.createdAt) / advance.everyMs);
    return Math.max(0, Math.min(steps.length - 1, raw));
  }

  /**
   * The tasks a filter selects, in the order they were seeded, as they are now — looking does not
   * move them along (only QueryTask counts as a query of a task).
   */
  list(filter: TaskFilter = {}): Record<string, unknown>[] {
    const now = this.now();
    const out: Record<string, unknown>[] = [];
    for (const task of this.tasks.values()) {
      if ((task.seed.IotInstanceId ?? undefined) !== (filter.IotInstanceId || undefined)) continue;
      const view = this.view(task, now, this.stepIndex(task, now));
      if (filter.JobId !== undefined && view.JobId !== filter.JobId) continue;
      if (filter.Status !== undefined && view.Status !== filter.Status) continue;
      const device = filter.Device;
      if (
        device &&
        ((device.IotId !== undefined && view.IotId !== device.IotId) ||
          (device.ProductKey !== undefined && view.ProductKey !== device.ProductKey) ||
          (device.DeviceName !== undefined && view.DeviceName !== device.DeviceName))
      ) {
        continue;
      }
      out.push(view);
    }
    return out;
  }

  /** The job that owns tasks with this JobId (in the instance), or undefined when none does. */
  job(jobId: string, iotInstanceId?: string): JobView | undefined {
    const tasks = [...this.tasks.values()].filter(
      (t) =>
        (t.seed.data?.JobId ?? example.JobId) === jobId &&
        (t.seed.IotInstanceId ?? undefined) === (iotInstanceId || undefined),
    );
    if (tasks.length === 0) return undefined;
    const now = this.now();
    const views = tasks.map((t) => this.view(t, now, this.stepIndex(t, now)));
    const ended = views.every((v) => TERMINAL.has(v.Status as string));
    return {
      JobId: jobId,
      JobName: String(views[0]?.JobName),
      Status: ended ? 'COMPLETED' : 'IN_PROGRESS',
      UtcCreate: iso(Math.min(...tasks.map((t) => t.createdAt))),
      UtcModified: iso(Math.max(...tasks.map((t) => t.stepSince))),
      tasks: tasks.length,
    };
  }

  /** A task as answered at a step (which the caller chose: advanced or not). */
  private view(task: StoredTask, now: number, index: number): Record<string, unknown> {
    const step = scenarioSteps[task.seed.scenario][index] as TaskStep;
    return {
      TaskId: task.seed.TaskId,
      Status: step.Status,
      Progress: step.Progress,
      JobId: task.seed.data?.JobId ?? example.JobId,
      JobName: task.seed.data?.JobName ?? example.JobName,
      IotId: task.seed.data?.IotId ?? example.IotId,
      ProductKey: task.seed.data?.ProductKey ?? example.ProductKey,
      DeviceName: task.seed.data?.DeviceName ?? example.DeviceName,
      Message: step.Message ?? `task ${step.Status.toLowerCase().replace('_', ' ')}`,
      StatusDetail: step.StatusDetail ?? '{}',
      UtcQueueTime: iso(task.createdAt),
      UtcModified: iso(task.lastStep === index ? task.stepSince : now),
    };
  }

  /**
   * Answers QueryTask for a task, advancing it one step when the store advances per query.
   * Unknown task or instance → the spec's `x-acs-unknown-value-error` of TaskId
   * (`iot.job.TaskNotFound`) or IotInstanceId (`iot.system.InstanceNotFound`); a task of an
   * instance queried without its `IotInstanceId` → `iot.common.InvalidTenant` (assumed codes:
   * see decisions/unconfirmed-wire-facts.md).
   */
  query(taskId: string | undefined, iotInstanceId: string | undefined): TaskQueryResult {
    if (iotInstanceId !== undefined && !this.instances.has(iotInstanceId))
      return { ok: false, code: INSTANCE_NOT_FOUND };
    const task = taskId === undefined ? undefined : this.tasks.get(taskId);
    if (!task || (iotInstanceId !== undefined && task.seed.IotInstanceId !== iotInstanceId)) {
      return { ok: false, code: TASK_NOT_FOUND };
    }
    if (task.seed.IotInstanceId !== undefined && iotInstanceId === undefined)
      return { ok: false, code: 'iot.common.InvalidTenant' };
    const now = this.now();
    task.queries += 1;
    const index = this.stepIndex(task, now);
    if (index !== task.lastStep) {
      task.lastStep = index;
      task.stepSince = now;
    }
    return { ok: true, task: this.view(task, now, index) };
  }
}
