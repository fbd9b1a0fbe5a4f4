// A consumer of the packed packages: a Vite React app using one hook, with no secret in the browser.
import { createIotTaskCore } from '@iot-task/client';
import { IotTaskClientProvider, useWatchTask } from '@iot-task/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';

const client = createIotTaskCore({ endpoint: '/api/iot', signatureVersion: 'none' });

function Task() {
  const { data, error } = useWatchTask('MSnT9***q010101', { pollIntervalMs: 100 });
  if (error) return <p role="alert">{error.code}</p>;
  return <p id="status">{data ? `${data.Status} ${data.Progress}%` : 'loading'}</p>;
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <QueryClientProvider client={new QueryClient()}>
    <IotTaskClientProvider client={client}>
      <Task />
    </IotTaskClientProvider>
  </QueryClientProvider>,
);
