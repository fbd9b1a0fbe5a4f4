import type { AnyIotTaskError, QueryTaskResult, TaskResult } from '@iot-task/client';
import { type UseQueryResult, type UseSuspenseQueryResult, useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { useIotTaskClient } from './IotTaskClientProvider.tsx';
import { type WatchTaskOptions, watchTaskQueryOptions } from './watchTask.ts';

export interface UseWatchTaskOptions<TSelected> extends WatchTaskOptions {
  /** @default true when taskId is non-empty */
  enabled?: boolean;
  /** Derive what the component needs from the task; re-renders only when it changes. */
  select?: (task: TaskResult) => TSelected;
}

/**
 * One device's task, kept live: polls while it runs, backs off while QUEUED, stops at a terminal
 * status (and at a status the spec does not list). Errors are the client's typed IotTaskErrors;
 * the client retries what is retryable, TanStack Query does not retry on top of it.
 *
 * @example
 * const { data: task, error } = useWatchTask('MSnT9***q010101');
 * return <progress value={task?.Progress ?? 0} max={100} />;
 */
export function useWatchTask<TSelected = TaskResult>(
  taskId: string,
  options: UseWatchTaskOptions<TSelected> = {},
): UseQueryResult<TSelected, AnyIotTaskError> {
  const { enabled, select, ...rest } = options;
  const base = watchTaskQueryOptions(useIotTaskClient(), taskId, rest);
  return useQuery<QueryTaskResult, AnyIotTaskError, TSelected>({
    ...base,
    enabled: (enabled ?? true) && taskId.trim() !== '',
    select: (body) => {
      const task = base.select(body);
      return select ? select(task) : (task as TSelected);
    },
  });
}

/**
 * useWatchTask for Suspense: suspends until the first answer, then keeps the task live the
 * same way. Errors go to the nearest error boundary.
 */
export function useSuspenseWatchTask<TSelected = TaskResult>(
  taskId: string,
  options: WatchTaskOptions & { select?: (task: TaskResult) => TSelected } = {},
): UseSuspenseQueryResult<TSelected, AnyIotTaskError> {
  const { select, ...rest } = options;
  const {
    queryKey,
    queryFn,
    retry,
    refetchInterval,
    select: pick,
  } = watchTaskQueryOptions(useIotTaskClient(), taskId, rest);
  return useSuspenseQuery<QueryTaskResult, AnyIotTaskError, TSelected>({
    queryKey,
    queryFn,
    retry,
    refetchInterval,
    select: (body) => {
      const task = pick(body);
      return select ? select(task) : (task as TSelected);
    },
  });
}
