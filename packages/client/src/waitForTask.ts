import { TaskStatusTerminalValues, TaskStatusValues } from '@iot-task/spec';
import { milliseconds, optionalFunction, optionalSignal, optionsObject, positiveNumber } from './checkOptions.ts';
import type { OperationClient } from './clientTransport.ts';
import { AbortedError, HookError, IotTaskError, UnknownStatusError, WaitTimeoutError } from './errors.ts';
import { type QueryTaskParams, type QueryTaskResult, queryTask } from './generated/actions/QueryTask/operation.gen.ts';
import { sleep } from './retryPolicy.ts';
import { untilAborted } from './transport/callSignals.ts';

/** One device's task (QueryTask's `Data`), `Progress` as a number. */
export type TaskResult = QueryTaskResult['Data'];

export interface WaitForTaskOptions {
  /** Instance ID, when the task's instance has one. */
  IotInstanceId?: string;
  /** First wait between polls. @default 1000 */
  intervalMs?: number;
  /** Longest wait between polls. @default 10000 */
  maxIntervalMs?: number;
  /** The wait grows by this factor while nothing changes, and resets when status or progress moves. @default 1.5 */
  backoff?: number;
  /** Give up (WaitTimeoutError) after this long. @default 600000 (10 minutes) */
  timeoutMs?: number;
  /**
   * Called with every polled task. An async one is awaited before the next poll; a throw or a
   * rejection ends the wait with a HookError (its error as the cause), never an unhandled rejection.
   */
  onProgress?: (task: TaskResult) => unknown;
  signal?: AbortSignal;
}

type TerminalStatus = (typeof TaskStatusTerminalValues)[number];
type KnownStatus = (typeof TaskStatusValues)[number];

/** Whether nothing will change any more: SUCCEEDED, FAILED, REJECTED, TIMED_OUT or CANCELLED. */
export function isTerminalStatus(status: string): status is TerminalStatus {
  return (TaskStatusTerminalValues as readonly string[]).includes(status);
}

/** Whether the spec lists the status (responses type it as an open union: a newer service may send others). */
export function isKnownStatus(status: string): status is KnownStatus {
  return (TaskStatusValues as readonly string[]).includes(status);
}

/**
 * Polls `queryTask` until the task reaches a terminal status and returns it. Every poll goes
 * through the client, so it stays within the quota. A poll that fails with a retryable error
 * (after the client's own retries) is tolerated until the deadline; others are thrown.
 *
 * @throws WaitTimeoutError with the last task seen when `timeoutMs` passes first
 * @throws UnknownStatusError at once, for a status the spec does not list
 * @throws AbortedError when `signal` aborts
 */
export async function waitForTask(
  client: OperationClient,
  taskId: string,
  given: WaitForTaskOptions = {},
): Promise<TaskResult> {
  const options = optionsObject('options', given) ?? {};
  const intervalMs = milliseconds('intervalMs', options.intervalMs, 1000, 0);
  const maxIntervalMs = milliseconds('maxIntervalMs', options.maxIntervalMs, Math.max(10_000, intervalMs), intervalMs);
  const backoff = positiveNumber('backoff', options.backoff, 1.5, 1);
  const timeoutMs = milliseconds('timeoutMs', options.timeoutMs, 600_000);
  const onProgress = optionalFunction('onProgress', options.onProgress);
  const signal = optionalSignal('signal', options.signal);
  const deadline = Date.now() + timeoutMs;
  const params: QueryTaskParams =
    options.IotInstanceId === undefined ? { TaskId: taskId } : { TaskId: taskId, IotInstanceId: options.IotInstanceId };
  let interval = intervalMs;
  let last: TaskResult | undefined;
  let lastError: IotTaskError | undefined;

  const aborted = () =>
    new AbortedError({
      code: 'Aborted',
      message: `waiting for task ${taskId} aborted`,
      retryable: false,
      cause: signal?.reason,
    });
  const timedOut = () => {
    const error = new WaitTimeoutError(taskId, timeoutMs, last);
    if (lastError) Object.defineProperty(error, 'cause', { value: lastError });
    return error;
  };
  // One signal for the whole wait: the caller's, or the deadline. Every step listens to it — a
  // call (its wait for a quota turn too), the onProgress it awaits, the sleep — so neither a
  // busy quota nor a callback that never settles carries the wait past its deadline.
  const wait = new AbortController();
  const timer = setTimeout(() => wait.abort(), timeoutMs);
  const onAbort = () => wait.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) wait.abort();
  const ended = () => (signal?.aborted ? aborted() : timedOut());

  try {
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || wait.signal.aborted) throw ended();
      try {
        const { Data: task, RequestId: requestId } = await queryTask(client, params, {
          signal: wait.signal,
          timeoutMs: remaining,
        });
        lastError = undefined;
        const moved = !last || last.Status !== task.Status || last.Progress !== task.Progress;
        interval = moved ? intervalMs : Math.min(maxIntervalMs, interval * backoff);
        last = task;
        if (onProgress) {
          try {
            const returned: unknown = onProgress(task);
            if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function')
              await untilAborted(Promise.resolve(returned), wait.signal);
          } catch (error) {
            if (wait.signal.aborted) throw ended();
            throw new HookError('onProgress', error);
          }
        }
        if (isTerminalStatus(task.Status)) return task;
        // Whether an unlisted status has ended is unknowable: stop now, not at the deadline.
        if (!isKnownStatus(task.Status)) throw new UnknownStatusError(taskId, task.Status, task, requestId);
      } catch (error) {
        if (wait.signal.aborted) throw ended();
        if (!(error instanceof IotTaskError) || !(error.retryable || error.code === 'Timeout')) throw error;
        lastError = error;
        interval = Math.min(maxIntervalMs, interval * backoff);
      }
      try {
        await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), wait.signal);
      } catch {
        throw ended();
      }
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
