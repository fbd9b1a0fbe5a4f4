// Public entry of @iot-task/react. Reads no secret: give the provider a client that has none.
export type {
  ActionInfiniteQuery,
  ActionInfiniteQueryOptions,
  ActionMutation,
  ActionMutationOptions,
  ActionPages,
  ActionQuery,
  ActionQueryOptions,
} from './actionQuery.ts';
// Generated: for every read action, `<action>QueryOptions`, `use<Action>`, `useSuspense<Action>`;
// for a paged one also `<action>InfiniteQueryOptions` and `use<Action>Infinite`; for every write
// action, `<action>MutationOptions` and `use<Action>` (a mutation).
export * from './generated/hooks.gen.ts';
export { IotTaskClientProvider, useIotTaskClient } from './IotTaskClientProvider.tsx';
export { actionMutationKey, actionQueryKey, iotTaskQueryKeys } from './iotTaskQueryKeys.ts';
export { type UseWatchTaskOptions, useSuspenseWatchTask, useWatchTask } from './useWatchTask.ts';
export {
  pollInterval,
  type WatchTaskOptions,
  type WatchTaskPolling,
  type WatchTaskQueryOptions,
  watchTaskQueryOptions,
} from './watchTask.ts';
