import type { AnyIotTaskError, TaskResult } from '@iot-task/client';
import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useIotTaskClient } from './IotTaskClientProvider.tsx';
import { type QueryTaskQueryOptions, queryTaskQueryOptions } from './queryTaskQueryOptions.ts';

export interface UseQueryTaskOptions<TSelected> extends QueryTaskQueryOptions {
  /** @default true when taskId is non-empty */
  enabled?: boolean;
  /** Derive what the component needs from the task; re-renders only when it changes. */
  select?: (task: TaskResult) => TSelected;
}

/**
 * One device's task, kept live: polls while it runs, backs off while QUEUED, stops at a terminal
 * status. Errors are the client's typed IotTaskErrors; retryable ones are retried.
 *
 * @example
 * const { data: task, error } = useQueryTask('MSnT9***q010101');
 * return <progress value={task?.Progress ?? 0} max={100} />;
 */
export function useQueryTask<TSelected = TaskResult>(
  taskId: string,
  options: UseQueryTaskOptions<TSelected> = {},
): UseQueryResult<TSelected, AnyIotTaskError> {
  const client = useIotTaskClient();
  const { enabled, select, ...rest } = options;
  const base = queryTaskQueryOptions(client, taskId, rest);
  return useQuery({
    ...base,
    enabled: (enabled ?? true) && taskId.trim() !== '',
    select: (body: unknown) => {
      const task = base.select(body);
      return (select ? select(task) : task) as TSelected;
    },
    // The runtime throws IotTaskErrors; the generated options only know the error body type.
  }) as unknown as UseQueryResult<TSelected, AnyIotTaskError>;
}
