import { describeValue } from './checkOptions.ts';
import type { EndpointChoice } from './endpoints.ts';
import { ValidationError } from './errors.ts';
import type { CallTransport } from './transport/callAction.ts';

/**
 * Where a client keeps its transport: the generated operations, `waitForTask` and the hey-api
 * adapter call through it. Not part of the public API. A string key (not a symbol), so that
 * clients and operations from two copies of the package still fit each other's types.
 */
const TRANSPORT = '~transport';

/**
 * A client the generated operations can call through (`queryTask(client, params)`): one made by
 * `createIotTaskCore`, or the full `createIotTaskClient`.
 */
export interface OperationClient {
  /** Where requests go: one base URL, or a region whose endpoint each API family knows. */
  readonly endpoint: EndpointChoice;
  readonly [TRANSPORT]: CallTransport;
}

export function withTransport<T extends { endpoint: EndpointChoice }>(
  client: T,
  transport: CallTransport,
): T & OperationClient {
  Object.defineProperty(client, TRANSPORT, { value: transport, enumerable: false });
  return client as T & OperationClient;
}

export function transportOf(client: OperationClient): CallTransport {
  const transport = (client as Partial<OperationClient> | null | undefined)?.[TRANSPORT];
  if (typeof transport !== 'function') {
    throw new ValidationError(
      'client',
      'a client made by createIotTaskCore or createIotTaskClient',
      describeValue(client),
    );
  }
  return transport;
}
