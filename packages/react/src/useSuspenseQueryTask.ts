import type { AnyIotTaskError, TaskResult } from '@iot-task/client';
import { type UseSuspenseQueryResult, useSuspenseQuery } from '@tanstack/react-query';
import { useIotTaskClient } from './IotTaskClientProvider.tsx';
import { type QueryTaskQueryOptions, queryTaskQueryOptions } from './queryTaskQueryOptions.ts';

/**
 * useQueryTask for Suspense: suspends until the first answer, then keeps the task live the
 * same way. Errors go to the nearest error boundary.
 */
export function useSuspenseQueryTask<TSelected = TaskResult>(
  taskId: string,
  options: QueryTaskQueryOptions & { select?: (task: TaskResult) => TSelected } = {},
): UseSuspenseQueryResult<TSelected, AnyIotTaskError> {
  const client = useIotTaskClient();
  const { select, ...rest } = options;
  const base = queryTaskQueryOptions(client, taskId, rest);
  return useSuspenseQuery({
    ...base,
    select: (body: unknown) => {
      const task = base.select(body);
      return (select ? select(task) : task) as TSelected;
    },
  }) as unknown as UseSuspenseQueryResult<TSelected, AnyIotTaskError>;
}
