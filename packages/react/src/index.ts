// Public entry of @iot-task/react. Reads no secret: give the provider a client that has none.
export { IotTaskClientProvider, useIotTaskClient } from './IotTaskClientProvider.tsx';
export { iotTaskQueryKeys } from './iotTaskQueryKeys.ts';
export {
  pollInterval,
  type QueryTaskPolling,
  type QueryTaskQueryOptions,
  type QueryTaskQueryOptionsResult,
  queryTaskQueryOptions,
  retryRetryable,
} from './queryTaskQueryOptions.ts';
export { type UseQueryTaskOptions, useQueryTask } from './useQueryTask.ts';
export { useSuspenseQueryTask } from './useSuspenseQueryTask.ts';
