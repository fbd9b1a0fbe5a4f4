import { createIotTaskClient, type IotTaskClientOptions } from '@iot-task/client';
import { createIotMock, EXAMPLE_TASK_ID, fetchFromHandlers, handleQueryTask, TEST_CREDENTIALS } from '@iot-task/msw';
import { fakeClockEachTest } from '@iot-task/test-support/fakeTime';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen } from '@testing-library/react';
import { type ReactNode, Suspense } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  IotTaskClientProvider,
  iotTaskQueryKeys,
  type UseWatchTaskOptions,
  useQueryTask,
  useSuspenseWatchTask,
  useWatchTask,
} from '../src/index.ts';

// Polling, backoff and retries run on the fake clock; the mock answers in-process (`mock.fetch`),
// so each test sees the same sequence of renders on any machine.
// One real signed call first: the client loads its signer with its first signed call, and
// loading a module is real I/O, which the fake clock must not race.
fakeClockEachTest({
  warm: () =>
    createIotTaskClient({
      region: 'cn-shanghai',
      credentials: TEST_CREDENTIALS,
      quota: false,
      fetch: createIotMock({ quota: false }).fetch,
    }).queryTask({ TaskId: EXAMPLE_TASK_ID }),
});
const mock = createIotMock({ quota: false, verifySignatures: true });
const queryClients: QueryClient[] = [];
afterEach(() => {
  // Unmount and stop every poll before the next test counts requests.
  cleanup();
  for (const queryClient of queryClients.splice(0)) queryClient.clear();
  mock.reset();
});

/** Moves the fake clock, letting React render what happened meanwhile. */
async function advance(ms: number): Promise<void> {
  await act(() => vi.advanceTimersByTimeAsync(ms));
}

function setup(clientOptions: IotTaskClientOptions = {}) {
  const client = createIotTaskClient({
    region: 'cn-shanghai',
    credentials: TEST_CREDENTIALS,
    quota: false,
    retry: false,
    fetch: mock.fetch,
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

const polls = (taskId: string) => mock.log.filter((e) => e.taskId === taskId).length;

const seen: string[] = [];
function Task({ id, options }: { id: string; options?: UseWatchTaskOptions<unknown> }) {
  const { data, error, isPending } = useWatchTask(id, { pollIntervalMs: 5, ...options });
  if (isPending && !error) return <p>loading</p>;
  if (error) return <p role="alert">{`${error.kind} ${error.code}`}</p>;
  const task = data as { Status: string; Progress?: number };
  seen.push(`${task.Status}:${task.Progress}`);
  return <p>{`${task.Status} ${task.Progress}%`}</p>;
}

function Progress({ enabled }: { enabled: boolean }) {
  const { data, fetchStatus } = useWatchTask(EXAMPLE_TASK_ID, {
    enabled,
    select: (t) => t.Progress,
    pollIntervalMs: false,
  });
  return <p>{`${fetchStatus} ${data ?? '-'}`}</p>;
}

function Live() {
  const { data } = useSuspenseWatchTask(EXAMPLE_TASK_ID, { pollIntervalMs: 5 });
  return <p>{`${data.Status} ${data.Progress}%`}</p>;
}

function Orphan() {
  useWatchTask('x');
  return null;
}

describe('useWatchTask', () => {
  it('loads, shows progress rising, and stops polling at the terminal status', async () => {
    seen.length = 0;
    const { wrapper } = setup();
    render(<Task id={EXAMPLE_TASK_ID} />, { wrapper });
    expect(screen.getByText('loading')).toBeDefined();
    await advance(100);
    expect(screen.getByText('SUCCEEDED 100%')).toBeDefined();
    expect([...new Set(seen)]).toEqual([
      'QUEUED:0',
      'SENT:0',
      'IN_PROGRESS:20',
      'IN_PROGRESS:40',
      'IN_PROGRESS:60',
      'IN_PROGRESS:80',
      'SUCCEEDED:100',
    ]);
    expect(polls(EXAMPLE_TASK_ID)).toBe(7);
    await advance(1000);
    expect(polls(EXAMPLE_TASK_ID)).toBe(7);
  });

  it('backs off while QUEUED (the wait grows ×1.5 per poll)', async () => {
    mock.tasks.seed({ TaskId: 'T-q', advance: { everyMs: 60_000 } });
    const { wrapper } = setup();
    render(<Task id="T-q" options={{ pollIntervalMs: 20 }} />, { wrapper });
    await advance(0);
    expect(screen.getByText('QUEUED 0%')).toBeDefined();
    const times: number[] = [];
    const started = Date.now();
    for (let t = 0; t < 400; t++) {
      const before = polls('T-q');
      await advance(1);
      if (polls('T-q') > before) times.push(Date.now() - started);
    }
    // 20, 30, 45, 67.5, 101.25 ms apart (fixed 20 ms polls would make 20 requests in 400 ms).
    const gaps = times.map((t, i) => t - (times[i - 1] ?? 0));
    expect(gaps).toEqual([20, 30, 45, 67, 101]);
  });

  it('surfaces typed errors from the client', async () => {
    const { wrapper } = setup();
    render(<Task id="nope" />, { wrapper });
    await advance(0);
    expect(screen.getByRole('alert').textContent).toBe('business iot.job.TaskNotFound');
  });

  it("retries retryable errors (here a 503) through the client's retries, then shows the task", async () => {
    mock.faults.add('status:503');
    const { wrapper } = setup({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    render(<Task id={EXAMPLE_TASK_ID} options={{ pollIntervalMs: false }} />, { wrapper });
    await advance(10);
    expect(screen.getByText('QUEUED 0%')).toBeDefined();
    expect(mock.log.filter((e) => e.taskId === EXAMPLE_TASK_ID).map((e) => e.httpStatus)).toEqual([503, 200]);
  });

  it("retries live in one layer: a failure that keeps coming costs the client's maxAttempts requests, not their product", async () => {
    mock.faults.add('status:503', { times: Number.POSITIVE_INFINITY });
    const { wrapper } = setup({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    render(<Task id={EXAMPLE_TASK_ID} options={{ pollIntervalMs: false }} />, { wrapper });
    await advance(5000);
    expect(screen.getByRole('alert').textContent).toBe('gateway ServiceUnavailable');
    expect(polls(EXAMPLE_TASK_ID)).toBe(3);
  });

  it('stops polling at a status the spec does not list (whether the task ended is unknowable)', async () => {
    let asked = 0;
    const odd = handleQueryTask(({ params }) => {
      if (params.TaskId !== 'odd') return undefined;
      asked++;
      return {
        body: {
          RequestId: `R-odd-${asked}`,
          Success: true,
          Data: {
            TaskId: 'odd',
            // A status a newer service may send: typed as an open union on the client, not here.
            Status: 'PAUSED' as 'QUEUED',
            Progress: 50,
            JobId: 'J',
            JobName: 'job',
            IotId: 'i',
            ProductKey: 'p',
            DeviceName: 'd',
            UtcModified: '2026-12-07T00:00:00.000Z',
            UtcQueueTime: '2026-12-07T00:00:00.000Z',
          },
        },
      };
    });
    const { wrapper } = setup({ fetch: fetchFromHandlers([odd, ...mock.handlers]) });
    render(<Task id="odd" />, { wrapper });
    await advance(1000);
    expect(screen.getByText('PAUSED 50%')).toBeDefined();
    expect(asked).toBe(1);
  });

  it('does not retry what will fail again', async () => {
    const { wrapper } = setup();
    render(<Task id="nope" options={{ pollIntervalMs: false }} />, { wrapper });
    await advance(1000);
    expect(screen.getByRole('alert')).toBeDefined();
    expect(polls('nope')).toBe(1);
  });

  it('aborts the request in flight when the component unmounts', async () => {
    const aborted: boolean[] = [];
    const slow = handleQueryTask(async ({ request }) => {
      await new Promise<void>((resolve) => {
        request.signal.addEventListener('abort', () => resolve());
        setTimeout(resolve, 2000);
      });
      aborted.push(request.signal.aborted);
      return undefined;
    });
    const { wrapper } = setup({ fetch: fetchFromHandlers([slow, ...mock.handlers]) });
    const view = render(<Task id={EXAMPLE_TASK_ID} />, { wrapper });
    await advance(50);
    view.unmount();
    await advance(0);
    expect(aborted).toEqual([true]);
  });

  it('passes enabled and select through', async () => {
    const { wrapper } = setup();
    const view = render(<Progress enabled={false} />, { wrapper });
    await advance(30);
    expect(screen.getByText('idle -')).toBeDefined();
    expect(polls(EXAMPLE_TASK_ID)).toBe(0);
    view.rerender(<Progress enabled />);
    await advance(0);
    expect(screen.getByText('idle 0')).toBeDefined();
  });

  it('shares the cache: query keys from the generated factory invalidate and refetch', async () => {
    const { wrapper, queryClient, client } = setup();
    render(<Task id={EXAMPLE_TASK_ID} options={{ pollIntervalMs: false }} />, { wrapper });
    await advance(0);
    expect(screen.getByText('QUEUED 0%')).toBeDefined();
    expect(queryClient.getQueryData(iotTaskQueryKeys.task(client, EXAMPLE_TASK_ID))).toMatchObject({ Success: true });
    await act(() => queryClient.invalidateQueries({ queryKey: iotTaskQueryKeys.all }));
    await advance(0);
    expect(screen.getByText('SENT 0%')).toBeDefined();
  });
});

describe('useSuspenseWatchTask', () => {
  it('suspends until the first answer, then keeps it live', async () => {
    const { wrapper } = setup();
    render(
      <Suspense fallback={<p>suspended</p>}>
        <Live />
      </Suspense>,
      { wrapper },
    );
    expect(screen.getByText('suspended')).toBeDefined();
    await advance(0);
    expect(screen.getByText('QUEUED 0%')).toBeDefined();
    await advance(100);
    expect(screen.getByText('SUCCEEDED 100%')).toBeDefined();
  });
});

function Body({ taskId }: { taskId: string }) {
  const { data, error } = useQueryTask(
    { TaskId: taskId },
    { select: (body) => `${body.RequestId.length > 0} ${body.Data.Status}` },
  );
  if (error) return <p role="alert">{`${error.kind} ${error.code}`}</p>;
  return <p>{data ?? 'loading'}</p>;
}

describe('useQueryTask (generated for every read action)', () => {
  it('the whole success body, through the client; select and typed errors as any TanStack query', async () => {
    const { wrapper, queryClient, client } = setup();
    render(<Body taskId={EXAMPLE_TASK_ID} />, { wrapper });
    await advance(0);
    expect(screen.getByText('true QUEUED')).toBeDefined();
    // It shares the cache entry of useWatchTask for the same task.
    expect(queryClient.getQueryData(iotTaskQueryKeys.task(client, EXAMPLE_TASK_ID))).toMatchObject({
      Success: true,
      Data: { TaskId: EXAMPLE_TASK_ID },
    });
    // Nothing polls unless asked.
    await advance(5000);
    expect(polls(EXAMPLE_TASK_ID)).toBe(1);
  });

  it('validates parameters before anything is sent', async () => {
    const { wrapper } = setup();
    render(<Body taskId=" " />, { wrapper });
    await advance(0);
    expect(screen.getByRole('alert').textContent).toBe('validation ValidationError');
    expect(mock.log).toHaveLength(0);
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
