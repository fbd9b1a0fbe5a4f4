import { createIotTaskClient, type IotTaskClientOptions } from '@iot-task/client';
import { createIotMock, EXAMPLE_TASK_ID, handleQueryTask, TEST_CREDENTIALS } from '@iot-task/msw';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { delay } from 'msw';
import { setupServer } from 'msw/node';
import { type ReactNode, Suspense } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  IotTaskClientProvider,
  iotTaskQueryKeys,
  type UseQueryTaskOptions,
  useQueryTask,
  useSuspenseQueryTask,
} from '../src/index.ts';

const mock = createIotMock({ quota: false, verifySignatures: true });
const server = setupServer(...mock.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
const queryClients: QueryClient[] = [];
afterEach(() => {
  // Unmount and stop every poll before the next test counts requests.
  cleanup();
  for (const queryClient of queryClients.splice(0)) queryClient.clear();
  server.resetHandlers();
  mock.reset();
});
afterAll(() => server.close());

function setup(clientOptions: IotTaskClientOptions = {}) {
  const client = createIotTaskClient({
    region: 'cn-shanghai',
    credentials: TEST_CREDENTIALS,
    quota: false,
    retry: false,
    ...clientOptions,
  });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retryDelay: 1 } } });
  queryClients.push(queryClient);
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <IotTaskClientProvider client={client}>{children}</IotTaskClientProvider>
    </QueryClientProvider>
  );
  return { client, queryClient, wrapper };
}

const seen: string[] = [];
function Task({ id, options }: { id: string; options?: UseQueryTaskOptions<unknown> }) {
  const { data, error, isPending } = useQueryTask(id, { pollIntervalMs: 5, ...options });
  if (isPending && !error) return <p>loading</p>;
  if (error) return <p role="alert">{`${error.kind} ${error.code}`}</p>;
  const task = data as { Status: string; Progress?: number };
  seen.push(`${task.Status}:${task.Progress}`);
  return <p>{`${task.Status} ${task.Progress}%`}</p>;
}

function Progress({ enabled }: { enabled: boolean }) {
  const { data, fetchStatus } = useQueryTask(EXAMPLE_TASK_ID, {
    enabled,
    select: (t) => t.Progress,
    pollIntervalMs: false,
  });
  return <p>{`${fetchStatus} ${data ?? '-'}`}</p>;
}

function Live() {
  const { data } = useSuspenseQueryTask(EXAMPLE_TASK_ID, { pollIntervalMs: 5 });
  return <p>{`${data.Status} ${data.Progress}%`}</p>;
}

function Orphan() {
  useQueryTask('x');
  return null;
}

describe('useQueryTask', () => {
  it('loads, shows progress rising, and stops polling at the terminal status', async () => {
    seen.length = 0;
    const { wrapper } = setup();
    render(<Task id={EXAMPLE_TASK_ID} />, { wrapper });
    expect(screen.getByText('loading')).toBeDefined();
    await screen.findByText('SUCCEEDED 100%', {}, { timeout: 3000 });
    expect(seen).toContain('IN_PROGRESS:40');
    expect([...new Set(seen)]).toEqual([
      'QUEUED:0',
      'SENT:0',
      'IN_PROGRESS:20',
      'IN_PROGRESS:40',
      'IN_PROGRESS:60',
      'IN_PROGRESS:80',
      'SUCCEEDED:100',
    ]);
    const requests = mock.log.filter((e) => e.taskId === EXAMPLE_TASK_ID).length;
    await act(() => delay(100));
    expect(mock.log.filter((e) => e.taskId === EXAMPLE_TASK_ID).length).toBe(requests);
  });

  it('backs off while QUEUED (the wait grows ×1.5 per poll)', async () => {
    mock.tasks.seed({ TaskId: 'T-q', advance: { everyMs: 60_000 } });
    const { wrapper } = setup();
    render(<Task id="T-q" options={{ pollIntervalMs: 20 }} />, { wrapper });
    await screen.findByText('QUEUED 0%');
    await act(() => delay(400));
    // Fixed 20 ms polls would make ~20 requests in 400 ms; 20·1.5ⁿ makes 6 or so.
    const polls = mock.log.filter((e) => e.taskId === 'T-q').length;
    expect(polls).toBeLessThan(9);
    expect(polls).toBeGreaterThan(2);
  });

  it('surfaces typed errors from the client', async () => {
    const { wrapper } = setup();
    render(<Task id="nope" />, { wrapper });
    expect((await screen.findByRole('alert')).textContent).toBe('business iot.job.TaskNotFound');
  });

  it('retries retryable errors (here a 503), then shows the task', async () => {
    mock.faults.add('status:503');
    const { wrapper } = setup();
    render(<Task id={EXAMPLE_TASK_ID} options={{ pollIntervalMs: false }} />, { wrapper });
    await screen.findByText('QUEUED 0%');
    expect(mock.log.filter((e) => e.taskId === EXAMPLE_TASK_ID).map((e) => e.httpStatus)).toEqual([503, 200]);
  });

  it('does not retry what will fail again', async () => {
    const { wrapper } = setup();
    render(<Task id="nope" options={{ pollIntervalMs: false }} />, { wrapper });
    await screen.findByRole('alert');
    expect(mock.log.filter((e) => e.taskId === 'nope')).toHaveLength(1);
  });

  it('aborts the request in flight when the component unmounts', async () => {
    const aborted: boolean[] = [];
    server.use(
      handleQueryTask(async ({ request }) => {
        await new Promise<void>((resolve) => {
          request.signal.addEventListener('abort', () => resolve());
          setTimeout(resolve, 2000);
        });
        aborted.push(request.signal.aborted);
        return undefined;
      }),
    );
    const { wrapper } = setup();
    const view = render(<Task id={EXAMPLE_TASK_ID} />, { wrapper });
    await act(() => delay(50));
    view.unmount();
    await waitFor(() => expect(aborted).toEqual([true]));
  });

  it('passes enabled and select through', async () => {
    const { wrapper } = setup();
    const view = render(<Progress enabled={false} />, { wrapper });
    await act(() => delay(30));
    expect(screen.getByText('idle -')).toBeDefined();
    expect(mock.log.filter((e) => e.taskId === EXAMPLE_TASK_ID)).toHaveLength(0);
    view.rerender(<Progress enabled />);
    await screen.findByText('idle 0');
  });

  it('shares the cache: query keys from the generated factory invalidate and refetch', async () => {
    const { wrapper, queryClient, client } = setup();
    render(<Task id={EXAMPLE_TASK_ID} options={{ pollIntervalMs: false }} />, { wrapper });
    await screen.findByText('QUEUED 0%');
    expect(queryClient.getQueryData(iotTaskQueryKeys.task(client, EXAMPLE_TASK_ID))).toMatchObject({ Success: true });
    await act(() => queryClient.invalidateQueries({ queryKey: iotTaskQueryKeys.all }));
    await screen.findByText('SENT 0%');
  });
});

describe('useSuspenseQueryTask', () => {
  it('suspends until the first answer, then keeps it live', async () => {
    const { wrapper } = setup();
    render(
      <Suspense fallback={<p>suspended</p>}>
        <Live />
      </Suspense>,
      { wrapper },
    );
    expect(screen.getByText('suspended')).toBeDefined();
    await screen.findByText('SUCCEEDED 100%', {}, { timeout: 3000 });
  });
});

describe('the provider', () => {
  it('says what is missing when there is none', () => {
    const queryClient = new QueryClient();
    queryClients.push(queryClient);
    expect(() =>
      render(
        <QueryClientProvider client={queryClient}>
          <Orphan />
        </QueryClientProvider>,
      ),
    ).toThrow('useIotTaskClient: no IotTaskClientProvider above this component');
  });
});
