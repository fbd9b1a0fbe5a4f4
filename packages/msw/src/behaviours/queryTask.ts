import type { ActionBehaviour } from './actionBehaviour.ts';

/** QueryTask: one task of the store, moved one step along its scenario (or by the clock). */
export const queryTask: ActionBehaviour = ({ params, tasks }) => {
  const result = tasks.query(params.TaskId, params.IotInstanceId || undefined);
  return result.ok ? { body: { Data: result.task } } : { business: result.code };
};
