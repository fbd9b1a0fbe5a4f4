import { type IotTaskClientOptions, IotTaskError } from '../../src/index.ts';

/** The IotTaskError a call rejects with; anything else (a resolve, another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<IotTaskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IotTaskError)) throw new Error(`expected an IotTaskError, got ${String(error)}`);
  return error;
}

/** Both send stages, as client options: node:http (the default on Node) and fetch (browsers, workers, an injected fetch). */
export const SEND_STAGES = [
  { send: 'node:http', options: {} },
  { send: 'fetch', options: { fetch: (input, init) => globalThis.fetch(input, init) } },
] as const satisfies readonly { send: string; options: IotTaskClientOptions }[];
