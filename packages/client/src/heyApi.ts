// Entry @iot-task/client/hey-api: the generated hey-api client wired to an IotTaskClient's
// runtime, for the generated SDK functions and TanStack Query helpers. Apps that only call the
// client's own methods never load it.
import { transportOf } from './clientTransport.ts';
import type { IotTaskClient } from './createIotTaskClient.ts';
import { type Client, createClient } from './generated/client/index.ts';
import { heyApiFetch } from './transport/heyApiFetch.ts';

export type { Client as HeyApiClient } from './generated/client/index.ts';

const made = new WeakMap<IotTaskClient, Client>();

/**
 * The generated hey-api client for an IotTaskClient: its requests go through the same runtime
 * (validation, quota, signing, retries, checks, typed errors). One per client, made on first use.
 *
 * @example
 * import { heyApiClientFor } from '@iot-task/client/hey-api';
 * import { queryTask } from '@iot-task/client/actions/QueryTask';
 * const { data } = await queryTask({ client: heyApiClientFor(client), query: { Action: 'QueryTask', TaskId } });
 */
export function heyApiClientFor(client: IotTaskClient): Client {
  let heyApi = made.get(client);
  if (!heyApi) {
    const { baseUrl, transport } = transportOf(client);
    heyApi = createClient({ baseUrl, fetch: heyApiFetch(transport) as never });
    made.set(client, heyApi);
  }
  return heyApi;
}
