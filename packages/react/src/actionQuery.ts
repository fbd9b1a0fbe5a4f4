// What the generated hooks (`generated/hooks.gen.ts`) build on.
import type { AnyIotTaskError } from '@iot-task/client';
import type {
  InfiniteData,
  MutationFunction,
  QueryFunction,
  UseInfiniteQueryOptions,
  UseMutationOptions,
  UseQueryOptions,
} from '@tanstack/react-query';

export type { AnyIotTaskError, OperationClient } from '@iot-task/client';
export { useIotTaskClient } from './IotTaskClientProvider.tsx';
export { actionMutationKey, actionQueryKey } from './iotTaskQueryKeys.ts';

/**
 * The query of an action's call: its key and a function that calls through the client's runtime.
 * Retries live in one layer, the client's (its `retry` option: backoff, `Retry-After`, the quota,
 * writes never repeated after an answer may have come, all within the call's deadline), so
 * TanStack Query's own retry is off (`retry: false`): one retryable failure costs at most the
 * client's `maxAttempts` requests, not their product. Give it to `useQuery`, `prefetchQuery`,
 * `ensureQueryData` or `useQueries`.
 */
export interface ActionQuery<TResult> {
  queryKey: readonly unknown[];
  queryFn: QueryFunction<TResult, readonly unknown[]>;
  retry: false;
}

/** The infinite query of a paged action: one page per token, the next asked with the last page's. */
export interface ActionInfiniteQuery<TResult> {
  queryKey: readonly unknown[];
  queryFn: QueryFunction<TResult, readonly unknown[], string | undefined>;
  initialPageParam: string | undefined;
  getNextPageParam: (page: TResult) => string | undefined;
  /** Off, as for ActionQuery: the client retries. */
  retry: false;
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

/**
 * The mutation of a write action: its key and a function that sends it once through the client's
 * runtime. TanStack Query's retry is off: the client repeats a write only where the server surely
 * did not act on it (throttled, never connected), and nothing else may. Give it to `useMutation`
 * or `queryClient.setMutationDefaults`.
 */
export interface ActionMutation<TResult, TParams> {
  mutationKey: readonly unknown[];
  mutationFn: MutationFunction<TResult, TParams>;
  retry: false;
}

/** What a write action's hook takes: TanStack Query's mutation options, but the key and function. */
export type ActionMutationOptions<TResult, TParams, TContext = unknown> = Omit<
  UseMutationOptions<TResult, AnyIotTaskError, TParams, TContext>,
  'mutationKey' | 'mutationFn'
>;

/** The next page's token, or undefined on the last page (TanStack Query's end of pages). */
export function nextPageToken(token: unknown): string | undefined {
  return typeof token === 'string' && token !== '' ? token : undefined;
}
