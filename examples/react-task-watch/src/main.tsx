import { createIotTaskClient, type IotTaskClient } from '@iot-task/client';
import { IotTaskClientProvider } from '@iot-task/react';
import { QueryTaskExamples } from '@iot-task/spec';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { TaskWatch } from './TaskWatch.tsx';

/**
 * Two ways to run, chosen by `?mock=`:
 * - `proxy` (default): the browser holds no credential; it sends unsigned requests to
 *   `/api/iot`, where the server (server.ts) signs them and forwards to the mock server.
 * - `worker`: MSW's service worker answers in the browser with the stateful mock; the client
 *   signs with the mock's test credentials (not a secret), and the worker checks them.
 */
async function createClient(): Promise<IotTaskClient> {
  if (new URLSearchParams(location.search).get('mock') === 'worker') {
    const [{ setupWorker }, { createIotMock, TEST_CREDENTIALS }] = await Promise.all([
      import('msw/browser'),
      import('@iot-task/msw'),
    ]);
    const mock = createIotMock({ verifySignatures: true, quota: false });
    await setupWorker(...mock.handlers).start({ onUnhandledFrame: 'bypass', quiet: true });
    return createIotTaskClient({ region: 'cn-shanghai', credentials: TEST_CREDENTIALS, quota: false });
  }
  return createIotTaskClient({ endpoint: '/api/iot', signatureVersion: 'none' });
}

const client = await createClient();
const queryClient = new QueryClient();
createRoot(document.getElementById('root') as HTMLElement).render(
  <QueryClientProvider client={queryClient}>
    <IotTaskClientProvider client={client}>
      <TaskWatch initialTaskId={QueryTaskExamples['200']['application/json'].Succeeded.Data.TaskId} />
    </IotTaskClientProvider>
  </QueryClientProvider>,
);
