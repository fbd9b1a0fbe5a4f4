// Entry @iot-task/client/hey-api: the generated hey-api client wired to an IotTaskClient's
// runtime, for hey-api's generated SDK functions (`@iot-task/client/actions/<Action>`). Apps that
// call the client's own operations never load it.
import { type OperationClient, transportOf } from './clientTransport.ts';
import { type Client, createClient } from './generated/client/index.ts';
import { heyApiFetch } from './transport/heyApiFetch.ts';

export type { Client as HeyApiClient } from './generated/client/index.ts';

const made = new WeakMap<OperationClient, Client>();

/**
 * The generated hey-api client for an IotTaskClient: its requests go through the same runtime
 * (validation, quota, signing, retries, checks, typed errors), which decides where they go. One
 * per client, made on first use.
 *
 * @example
 * import { heyApiClientFor } from '@iot-task/client/hey-api';
 * import { queryTask } from '@iot-task/client/actions/QueryTask';
 * const { data } = await queryTask({ client: heyApiClientFor(client), query: { Action: 'QueryTask', TaskId } });
 */
export function heyApiClientFor(client: OperationClient): Client {
  let heyApi = made.get(client);
  if (!heyApi) {
    const transport = transportOf(client);
    // The runtime sends each request to its family's endpoint; this base only has to parse.
    const baseUrl = 'baseUrl' in client.endpoint ? client.endpoint.baseUrl : 'https://iot-task.invalid';
    heyApi = createClient({ baseUrl, fetch: heyApiFetch(transport) as never });
    made.set(client, heyApi);
  }
  return heyApi;
}
