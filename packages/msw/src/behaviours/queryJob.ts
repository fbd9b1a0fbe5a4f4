import type { ActionBehaviour } from './actionBehaviour.ts';
import { unknownValueError } from './actionBehaviour.ts';
import { described, schemaAt } from './describedFields.ts';

/**
 * QueryJob: the job that owns the store's tasks with that JobId — its name theirs, IN_PROGRESS
 * until every task has ended, then COMPLETED; created when its first task was queued, modified
 * when a task of it last changed. What tasks cannot say (description, document, rollout) is the
 * spec's example.
 */
export const queryJob: ActionBehaviour = ({ descriptor, params, tasks, example }) => {
  const instance = params.IotInstanceId || undefined;
  if (instance !== undefined && !tasks.hasInstance(instance)) {
    return { business: unknownValueError(descriptor, 'IotInstanceId') };
  }
  const job = params.JobId === undefined ? undefined : tasks.job(params.JobId, instance);
  if (!job) return { business: unknownValueError(descriptor, 'JobId') };
  const { tasks: _, ...fromTasks } = job;
  return {
    body: {
      Data: described(schemaAt(descriptor, 'Data'), {
        ...((example?.Data ?? {}) as Record<string, unknown>),
        ...fromTasks,
      }),
    },
  };
};
