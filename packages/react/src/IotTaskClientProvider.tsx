import type { IotTaskClient } from '@iot-task/client';
import { createContext, type ReactNode, useContext } from 'react';

const IotTaskClientContext = createContext<IotTaskClient | undefined>(undefined);

/**
 * Makes a configured client available to the hooks below it. In a browser, give it a client
 * that holds no secret: `createIotTaskClient({ endpoint: '/api/iot', signatureVersion: 'none' })`
 * talking to `createSigningProxy` on your server.
 */
export function IotTaskClientProvider({ client, children }: { client: IotTaskClient; children?: ReactNode }) {
  return <IotTaskClientContext.Provider value={client}>{children}</IotTaskClientContext.Provider>;
}

/** The client of the nearest IotTaskClientProvider. */
export function useIotTaskClient(): IotTaskClient {
  const client = useContext(IotTaskClientContext);
  if (!client) throw new Error('useIotTaskClient: no IotTaskClientProvider above this component');
  return client;
}
