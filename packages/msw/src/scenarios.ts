import type { QueryTaskTypes } from '@iot-task/spec';

export type TaskStatus = QueryTaskTypes.components['schemas']['TaskStatus'];

/** How a seeded task's life goes, step by step. */
export type Scenario = 'succeeds' | 'fails' | 'rejected' | 'times-out' | 'cancelled' | 'stuck';

export interface TaskStep {
  Status: TaskStatus;
  Progress: number;
  Message?: string;
  StatusDetail?: string;
}

const queued: TaskStep = { Status: 'QUEUED', Progress: 0 };
const sent: TaskStep = { Status: 'SENT', Progress: 0 };
const running = (Progress: number): TaskStep => ({ Status: 'IN_PROGRESS', Progress });

/**
 * The steps of each scenario, in order; a task stays on the last one. Statuses follow the
 * documented flows (querytask-api.md §8): QUEUED → SENT → IN_PROGRESS → a terminal status.
 */
export const scenarioSteps: Readonly<Record<Scenario, readonly TaskStep[]>> = {
  succeeds: [
    queued,
    sent,
    running(20),
    running(40),
    running(60),
    running(80),
    { Status: 'SUCCEEDED', Progress: 100, Message: 'task succeeded', StatusDetail: '{"msg":"firmware applied"}' },
  ],
  fails: [
    queued,
    sent,
    running(30),
    running(60),
    {
      Status: 'FAILED',
      Progress: 60,
      Message: 'device reported an error',
      StatusDetail: '{"msg":"checksum mismatch"}',
    },
  ],
  rejected: [
    queued,
    sent,
    { Status: 'REJECTED', Progress: 0, Message: 'device rejected the task', StatusDetail: '{"msg":"busy"}' },
  ],
  'times-out': [
    queued,
    sent,
    running(10),
    { Status: 'TIMED_OUT', Progress: 10, Message: 'no progress within the job timeout' },
  ],
  cancelled: [queued, sent, { Status: 'CANCELLED', Progress: 0, Message: 'job cancelled' }],
  stuck: [queued, sent, running(50)],
};

export const scenarios = Object.keys(scenarioSteps) as Scenario[];

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'string' && Object.hasOwn(scenarioSteps, value);
}
