import {
  isKnownStatus,
  isTerminalStatus,
  type OperationClient,
  type QueryTaskResult,
  type TaskResult,
} from '@iot-task/client';
import type { ActionQuery } from './actionQuery.ts';
import { queryTaskQueryOptions } from './generated/hooks.gen.ts';

export interface WatchTaskPolling {
  /** Wait between polls while the task runs; `false` fetches once. @default 2000 */
  pollIntervalMs?: number | false;
  /** While the task stays QUEUED the wait grows (×1.5 per poll) up to this. @default 30000 */
  maxPollIntervalMs?: number;
}

export interface WatchTaskOptions extends WatchTaskPolling {
  /** Instance ID, when the task's instance has one. */
  IotInstanceId?: string;
}

/**
 * The poll interval for the task as last fetched: none once terminal, growing while QUEUED, and
 * none for a status the spec does not list — whether such a task has ended is unknowable, so it
 * is not polled forever (as waitForTask stops with UnknownStatusError; `isKnownStatus` tells).
 */
export function pollInterval(
  body: QueryTaskResult | undefined,
  updates: number,
  polling: WatchTaskPolling,
): number | false {
  const interval = polling.pollIntervalMs ?? 2000;
  if (interval === false) return false;
  const task = body?.Data;
  if (!task) return interval;
  if (isTerminalStatus(task.Status) || !isKnownStatus(task.Status)) return false;
  if (task.Status === 'QUEUED')
    return Math.min(polling.maxPollIntervalMs ?? 30_000, interval * 1.5 ** Math.max(0, updates - 1));
  return interval;
}

/**
 * The TanStack Query options behind useWatchTask: the generated `queryTaskQueryOptions` (key,
 * query function through the client's runtime, which retries), selecting the task
 * and polling until it reaches a terminal status. Use it with `prefetchQuery` too.
 */
export interface WatchTaskQueryOptions extends ActionQuery<QueryTaskResult> {
  select: (body: QueryTaskResult) => TaskResult;
  refetchInterval: (query: {
    state: { data?: QueryTaskResult | undefined; dataUpdateCount: number };
  }) => number | false;
}

export function watchTaskQueryOptions(
  client: OperationClient,
  taskId: string,
  options: WatchTaskOptions = {},
): WatchTaskQueryOptions {
  const { IotInstanceId, ...polling } = options;
  return {
    ...queryTaskQueryOptions(client, IotInstanceId ? { TaskId: taskId, IotInstanceId } : { TaskId: taskId }),
    select: (body: QueryTaskResult): TaskResult => body.Data,
    refetchInterval: (query: { state: { data?: QueryTaskResult | undefined; dataUpdateCount: number } }) =>
      pollInterval(query.state.data, query.state.dataUpdateCount, polling),
  };
}
