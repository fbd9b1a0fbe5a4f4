import type { IotTaskClient } from '@iot-task/client';
import { heyApiClientFor } from '@iot-task/client/hey-api';
import { queryTaskQueryKey } from './generated/QueryTask/react-query.gen.ts';

/**
 * Query keys for invalidation and prefetching, from the generated key factory.
 *
 * @example queryClient.invalidateQueries({ queryKey: iotTaskQueryKeys.all })
 */
export const iotTaskQueryKeys = {
  /** Matches every QueryTask query (partial match on the generated key). */
  all: [{ _id: 'queryTask' }] as const,
  /** The key of one task's query. */
  task: (client: IotTaskClient, taskId: string, iotInstanceId?: string) =>
    queryTaskQueryKey({
      client: heyApiClientFor(client),
      query: { Action: 'QueryTask', TaskId: taskId, ...(iotInstanceId ? { IotInstanceId: iotInstanceId } : {}) },
    }),
};
