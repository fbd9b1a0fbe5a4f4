import type { CallTransport } from './transport/callAction.ts';

/**
 * Where a client keeps its transport, for the entry points that build on a client (the hey-api
 * adapter) without putting them on the main entry. Not part of the public API.
 */
const TRANSPORT = Symbol.for('@iot-task/client.transport');

export interface WithTransport {
  readonly [TRANSPORT]: { readonly baseUrl: string; readonly transport: CallTransport };
}

export function attachTransport<T extends object>(
  client: T,
  baseUrl: string,
  transport: CallTransport,
): T & WithTransport {
  Object.defineProperty(client, TRANSPORT, { value: { baseUrl, transport }, enumerable: false });
  return client as T & WithTransport;
}

export function transportOf(client: object): { baseUrl: string; transport: CallTransport } {
  const attached = (client as Partial<WithTransport>)[TRANSPORT];
  if (!attached) throw new TypeError('expected a client made by createIotTaskClient');
  return attached;
}
