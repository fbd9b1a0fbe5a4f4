import { type IotTaskClient, IotTaskError, isTerminalStatus, type TaskResult } from '@iot-task/client';
import { heyApiClientFor } from '@iot-task/client/hey-api';
import { queryTaskOptions } from './generated/QueryTask/react-query.gen.ts';

export interface QueryTaskPolling {
  /** Wait between polls while the task runs; `false` fetches once. @default 2000 */
  pollIntervalMs?: number | false;
  /** While the task stays QUEUED the wait grows (×1.5 per poll) up to this. @default 30000 */
  maxPollIntervalMs?: number;
}

export interface QueryTaskQueryOptions extends QueryTaskPolling {
  /** Instance ID, when the task's instance has one. */
  IotInstanceId?: string;
}

type Body = { Data: TaskResult };

/** Whether TanStack Query should try again: only errors the client marks retryable, up to 3 times. */
export function retryRetryable(failureCount: number, error: unknown): boolean {
  return error instanceof IotTaskError && error.retryable && failureCount < 3;
}

/** The poll interval for the task as last fetched: none once terminal, growing while QUEUED. */
export function pollInterval(body: Body | undefined, updates: number, polling: QueryTaskPolling): number | false {
  const interval = polling.pollIntervalMs ?? 2000;
  if (interval === false) return false;
  const task = body?.Data;
  if (!task) return interval;
  if (isTerminalStatus(task.Status)) return false;
  if (task.Status === 'QUEUED')
    return Math.min(polling.maxPollIntervalMs ?? 30_000, interval * 1.5 ** Math.max(0, updates - 1));
  return interval;
}

/** What queryTaskQueryOptions returns: the generated options, with polling, retries and `select` set. */
export type QueryTaskQueryOptionsResult = Omit<
  ReturnType<typeof queryTaskOptions>,
  'select' | 'refetchInterval' | 'retry'
> & {
  select: (body: unknown) => TaskResult;
  refetchInterval: (query: { state: { data?: unknown; dataUpdateCount: number } }) => number | false;
  retry: typeof retryRetryable;
};

/**
 * The TanStack Query options behind the hooks: the generated `queryTaskOptions` (query key and
 * query function, sent through the client's runtime), plus polling and retries. Use it with
 * `queryClient.prefetchQuery`/`ensureQueryData` too.
 */
export function queryTaskQueryOptions(
  client: IotTaskClient,
  taskId: string,
  options: QueryTaskQueryOptions = {},
): QueryTaskQueryOptionsResult {
  const generated = queryTaskOptions({
    client: heyApiClientFor(client),
    query: {
      Action: 'QueryTask',
      TaskId: taskId,
      ...(options.IotInstanceId ? { IotInstanceId: options.IotInstanceId } : {}),
    },
  });
  return {
    ...generated,
    // Business errors are thrown by the client, so whatever arrives is the success body.
    select: (body: unknown) => (body as Body).Data,
    refetchInterval: (query: { state: { data?: unknown; dataUpdateCount: number } }) =>
      pollInterval(query.state.data as Body | undefined, query.state.dataUpdateCount, options),
    retry: retryRetryable,
  };
}
