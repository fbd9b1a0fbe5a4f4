import type { OperationClient } from '@iot-task/client';
import { createContext, type ReactNode, useContext } from 'react';

const IotTaskClientContext = createContext<OperationClient | undefined>(undefined);

/**
 * Makes a client available to the hooks below it: a `createIotTaskClient` client, or a
 * `createIotTaskCore` one (the hooks need no more). In a browser, give it a client that holds no
 * secret: `createIotTaskCore({ endpoint: '/api/iot', signatureVersion: 'none' })` talking to
 * `createSigningProxy` on your server.
 */
export function IotTaskClientProvider({ client, children }: { client: OperationClient; children?: ReactNode }) {
  return <IotTaskClientContext.Provider value={client}>{children}</IotTaskClientContext.Provider>;
}

/** The client of the nearest IotTaskClientProvider. */
export function useIotTaskClient(): OperationClient {
  const client = useContext(IotTaskClientContext);
  if (!client) throw new Error('useIotTaskClient: no IotTaskClientProvider above this component');
  return client;
}
