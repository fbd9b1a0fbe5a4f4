// What the generated hooks (`generated/hooks.gen.ts`) build on.
import { type AnyIotTaskError, IotTaskError } from '@iot-task/client';
import type { UseInfiniteQueryOptions, UseQueryOptions } from '@tanstack/react-query';

export type { AnyIotTaskError, OperationClient } from '@iot-task/client';
export { useIotTaskClient } from './IotTaskClientProvider.tsx';
export { actionQueryKey } from './iotTaskQueryKeys.ts';

/** What a hook takes besides the action's parameters: TanStack Query's options, but the key and function. */
export type ActionQueryOptions<TResult, TSelected = TResult> = Omit<
  UseQueryOptions<TResult, AnyIotTaskError, TSelected>,
  'queryKey' | 'queryFn'
>;

/** What an infinite hook takes besides the action's parameters. */
export type ActionInfiniteQueryOptions = Pick<
  UseInfiniteQueryOptions,
  'enabled' | 'staleTime' | 'gcTime' | 'refetchInterval' | 'refetchOnWindowFocus' | 'maxPages' | 'retry' | 'retryDelay'
>;

/** Whether TanStack Query should try again: only errors the client marks retryable, up to 3 times. */
export function retryRetryable(failureCount: number, error: unknown): boolean {
  return error instanceof IotTaskError && error.retryable && failureCount < 3;
}

/** The next page's token, or undefined on the last page (TanStack Query's end of pages). */
export function nextPageToken(token: unknown): string | undefined {
  return typeof token === 'string' && token !== '' ? token : undefined;
}
