// What the generated hooks (`generated/hooks.gen.ts`) build on.
import { type AnyIotTaskError, IotTaskError } from '@iot-task/client';
import type { InfiniteData, QueryFunction, UseInfiniteQueryOptions, UseQueryOptions } from '@tanstack/react-query';

export type { AnyIotTaskError, OperationClient } from '@iot-task/client';
export { useIotTaskClient } from './IotTaskClientProvider.tsx';
export { actionQueryKey } from './iotTaskQueryKeys.ts';

/**
 * The query of an action's call: its key, a function that calls through the client's runtime,
 * and retries of what the client marks retryable. Give it to `useQuery`, `prefetchQuery`,
 * `ensureQueryData` or `useQueries`.
 */
export interface ActionQuery<TResult> {
  queryKey: readonly unknown[];
  queryFn: QueryFunction<TResult, readonly unknown[]>;
  retry: (failureCount: number, error: unknown) => boolean;
}

/** The infinite query of a paged action: one page per token, the next asked with the last page's. */
export interface ActionInfiniteQuery<TResult> {
  queryKey: readonly unknown[];
  queryFn: QueryFunction<TResult, readonly unknown[], string | undefined>;
  initialPageParam: string | undefined;
  getNextPageParam: (page: TResult) => string | undefined;
  retry: (failureCount: number, error: unknown) => boolean;
}

/** The data of a paged action's infinite query. */
export type ActionPages<TResult> = InfiniteData<TResult, string | undefined>;

/** What a hook takes besides the action's parameters: TanStack Query's options, but the key and function. */
export type ActionQueryOptions<TResult, TSelected = TResult> = Omit<
  UseQueryOptions<TResult, AnyIotTaskError, TSelected>,
  'queryKey' | 'queryFn'
>;

/** What an infinite hook takes besides the action's parameters: TanStack Query's options, but the paging. */
export type ActionInfiniteQueryOptions<TResult> = Omit<
  UseInfiniteQueryOptions<TResult, AnyIotTaskError, ActionPages<TResult>, readonly unknown[], string | undefined>,
  'queryKey' | 'queryFn' | 'initialPageParam' | 'getNextPageParam'
>;

/** Whether TanStack Query should try again: only errors the client marks retryable, up to 3 times. */
export function retryRetryable(failureCount: number, error: unknown): boolean {
  return error instanceof IotTaskError && error.retryable && failureCount < 3;
}

/** The next page's token, or undefined on the last page (TanStack Query's end of pages). */
export function nextPageToken(token: unknown): string | undefined {
  return typeof token === 'string' && token !== '' ? token : undefined;
}
