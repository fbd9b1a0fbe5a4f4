import type { OperationClient } from '@iot-task/client';

const ROOT = 'iot-task';

/** Where a client's requests go, as part of a query key: two clients of other endpoints never share a cache entry. */
function endpointKey(client: OperationClient): string {
  return 'baseUrl' in client.endpoint ? client.endpoint.baseUrl : `region:${client.endpoint.region}`;
}

/**
 * The query key of an action's query: `['iot-task', action, endpoint, params]` (plus `'pages'`
 * for an infinite query), so a prefix matches every query of an action, or of the kit.
 */
export function actionQueryKey(
  client: OperationClient,
  action: string,
  params: object,
  variant?: 'pages',
): readonly unknown[] {
  return variant ? [ROOT, action, endpointKey(client), params, variant] : [ROOT, action, endpointKey(client), params];
}

/**
 * The mutation key of a write action: `['iot-task', action, endpoint]`, for `useIsMutating`,
 * `useMutationState` and `setMutationDefaults`.
 */
export function actionMutationKey(client: OperationClient, action: string): readonly unknown[] {
  return [ROOT, action, endpointKey(client)];
}

/**
 * Query keys for invalidation and prefetching.
 *
 * @example queryClient.invalidateQueries({ queryKey: iotTaskQueryKeys.action('QueryTask') })
 */
export const iotTaskQueryKeys = {
  /** Matches every query of the hooks. */
  all: [ROOT] as const,
  /** Matches every query of one action. */
  action: (action: string) => [ROOT, action] as const,
  /** The key of one task's query (QueryTask). */
  task: (client: OperationClient, taskId: string, iotInstanceId?: string) =>
    actionQueryKey(
      client,
      'QueryTask',
      iotInstanceId ? { TaskId: taskId, IotInstanceId: iotInstanceId } : { TaskId: taskId },
    ),
};
