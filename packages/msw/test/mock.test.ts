import {
  BusinessError,
  createIotTaskClient,
  GatewayError,
  type IotTaskClientOptions,
  NetworkError,
  ResponseParseError,
  type TaskResult,
} from '@iot-task/client';
import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createIotMock,
  EXAMPLE_TASK_ID,
  type IotMock,
  type Scenario,
  scenarioSteps,
  TEST_CREDENTIALS,
} from '../src/index.ts';

// Every test runs on the fake clock, and every request is answered in-process (`mock.fetch`):
// lifecycles, quotas, latency and timeouts give the same verdict on any machine.
const mock = createIotMock({ quota: false });
fakeClockEachTest({
  // The client loads its XML reader and drift checker on first use: load them on the real clock.
  warm: async () => {
    await client({ format: 'XML', responseValidation: 'error' }).queryTask({ TaskId: EXAMPLE_TASK_ID });
    mock.reset();
  },
});
afterEach(() => {
  mock.reset();
});

/** A client of `target` (the file's mock by default), signed with the mock's test credentials. */
function client(options: IotTaskClientOptions = {}, target: IotMock = mock) {
  return createIotTaskClient({
    region: 'cn-shanghai',
    credentials: TEST_CREDENTIALS,
    quota: false,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    fetch: target.fetch,
    ...options,
  });
}
const fast = { intervalMs: 1, maxIntervalMs: 2 };
/** `settle` for calls that are expected to fail: resolves to the error. */
const failure = (promise: Promise<unknown>) => settle(promise).catch((e: unknown) => e);

describe('task lifecycle', () => {
  it("the seed's example task exists and moves QUEUED → SENT → IN_PROGRESS (rising) → SUCCEEDED", async () => {
    const seen: TaskResult[] = [];
    const final = await settle(client().waitForTask(EXAMPLE_TASK_ID, { ...fast, onProgress: (t) => seen.push(t) }));
    expect(final).toMatchObject({
      TaskId: EXAMPLE_TASK_ID,
      Status: 'SUCCEEDED',
      Progress: 100,
      JobName: 'MyTestJobIax6Eq',
      DeviceName: 'mydevice',
    });
    expect(seen.map((t) => t.Status)).toEqual([
      'QUEUED',
      'SENT',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'SUCCEEDED',
    ]);
    const progress = seen.filter((t) => t.Status === 'IN_PROGRESS').map((t) => t.Progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  const outcomes: [Scenario, string][] = [
    ['succeeds', 'SUCCEEDED'],
    ['fails', 'FAILED'],
    ['rejected', 'REJECTED'],
    ['times-out', 'TIMED_OUT'],
    ['cancelled', 'CANCELLED'],
  ];
  for (const [scenario, status] of outcomes) {
    it(`scenario ${scenario} ends ${status}`, async () => {
      mock.tasks.seed({ TaskId: `T-${scenario}`, scenario });
      expect((await settle(client().waitForTask(`T-${scenario}`, fast))).Status).toBe(status);
    });
  }

  it('scenario stuck never ends: waitForTask times out with the last task', async () => {
    mock.tasks.seed({ TaskId: 'T-stuck', scenario: 'stuck' });
    await expect(settle(client().waitForTask('T-stuck', { ...fast, timeoutMs: 80 }))).rejects.toMatchObject({
      code: 'WaitTimeout',
      lastTask: { Status: 'IN_PROGRESS', Progress: 50 },
    });
  });

  it('advances over (fake) time when told to', async () => {
    let now = Date.parse('2026-11-26T00:00:00Z');
    const timed = createIotMock({ quota: false, advance: { everyMs: 1000 }, now: () => now });
    const c = client({}, timed);
    expect((await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data.Status).toBe('QUEUED');
    expect((await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data.Status).toBe('QUEUED');
    now += 2500;
    expect((await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data).toMatchObject({
      Status: 'IN_PROGRESS',
      Progress: 20,
    });
    now += 60_000;
    const { Data: done } = await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }));
    expect(done).toMatchObject({
      Status: 'SUCCEEDED',
      UtcModified: '2026-11-26T00:01:02.500Z',
      UtcQueueTime: '2026-11-26T00:00:00.000Z',
    });
  });

  it('every scenario is a path through the documented statuses', () => {
    for (const steps of Object.values(scenarioSteps)) {
      expect(steps[0]?.Status).toBe('QUEUED');
      expect(steps[1]?.Status).toBe('SENT');
    }
  });
});

describe('business errors (HTTP 200, Success false)', () => {
  it('unknown TaskId → iot.job.TaskNotFound', async () => {
    await expect(settle(client().queryTask({ TaskId: 'nope' }))).rejects.toMatchObject({
      kind: 'business',
      code: 'iot.job.TaskNotFound',
      httpStatus: 200,
    });
  });

  it('a task of an instance: missing IotInstanceId → iot.common.InvalidTenant; unknown instance → iot.system.InstanceNotFound; right one → the task', async () => {
    mock.tasks.seed({ TaskId: 'T-inst', IotInstanceId: 'iot-cn-0pp1n8t' });
    const c = client();
    await expect(c.queryTask({ TaskId: 'T-inst' })).rejects.toMatchObject({ code: 'iot.common.InvalidTenant' });
    await expect(c.queryTask({ TaskId: 'T-inst', IotInstanceId: 'iot-cn-other' })).rejects.toMatchObject({
      code: 'iot.system.InstanceNotFound',
    });
    expect((await settle(c.queryTask({ TaskId: 'T-inst', IotInstanceId: 'iot-cn-0pp1n8t' }))).Data.TaskId).toBe(
      'T-inst',
    );
  });
});

describe('the gateway', () => {
  const raw = (query: string, init: RequestInit = {}) =>
    mock.fetch(`https://iot.cn-shanghai.aliyuncs.com/?${query}`, init);

  it('missing and invalid parameters: MissingTaskId / InvalidIotInstanceId, HTTP 400', async () => {
    const missing = await raw('Action=QueryTask&Version=2018-01-20&Format=JSON&AccessKeyId=k&Signature=s');
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      Code: 'MissingTaskId',
      Message: 'TaskId is mandatory for this action.',
    });
    const invalid = await raw(
      'Action=QueryTask&Version=2018-01-20&Format=JSON&AccessKeyId=k&Signature=s&TaskId=x&IotInstanceId=a%2Fb',
    );
    expect(await invalid.json()).toMatchObject({ Code: 'InvalidIotInstanceId' });
  });

  it('unknown action or version: InvalidApi.NotFound, HTTP 404, XML <Error> by default', async () => {
    const unknown = await raw('Action=QueryTasks&Version=2018-01-20&AccessKeyId=k&Signature=s');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toMatch(/<Error>[\s\S]*<Code>InvalidApi.NotFound<\/Code>/);
    const version = await raw('Action=QueryTask&Version=2099-01-01&Format=JSON&TaskId=x&AccessKeyId=k&Signature=s');
    expect(await version.json()).toMatchObject({ Code: 'InvalidApi.NotFound' });
  });

  it('quota: a burst over 5 a second per AccessKey draws Throttling.User (HTTP 400), which the client retries', async () => {
    const limited = createIotMock({});
    const c = client({ retry: false }, limited);
    const results = await settle(
      Promise.allSettled(Array.from({ length: 8 }, () => c.queryTask({ TaskId: EXAMPLE_TASK_ID }))),
    );
    const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(throttled).toHaveLength(3);
    expect(throttled[0]).toMatchObject({ kind: 'gateway', code: 'Throttling.User', httpStatus: 400, retryable: true });
    // A second later the bucket is full again.
    await settle(new Promise((resolve) => setTimeout(resolve, 1000)));
    expect((await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data.TaskId).toBe(EXAMPLE_TASK_ID);
    // The client's own token bucket keeps a burst under the quota instead.
    const polite = client({ quota: {}, retry: false }, limited);
    limited.reset();
    const ok = await settle(
      Promise.all(Array.from({ length: 12 }, () => polite.queryTask({ TaskId: EXAMPLE_TASK_ID }))),
    );
    expect(ok).toHaveLength(12);
    expect(limited.log.filter((e) => e.code === 'Throttling.User')).toEqual([]);
  });

  it('XML answers read as the very same typed result as JSON', async () => {
    mock.tasks.seed({ TaskId: 'J' });
    mock.tasks.seed({ TaskId: 'X' });
    const { Data: json } = await settle(client().queryTask({ TaskId: 'J' }));
    const { Data: xml } = await settle(client({ format: 'XML' }).queryTask({ TaskId: 'X' }));
    expect({ ...xml, TaskId: 'J', UtcModified: '', UtcQueueTime: '' }).toEqual({
      ...json,
      UtcModified: '',
      UtcQueueTime: '',
    });
  });
});

describe('signature verification', () => {
  const verifying = createIotMock({ quota: false, verifySignatures: true });
  afterEach(() => verifying.reset());

  it('accepts V3 and RPC HMAC-SHA1, GET and POST', async () => {
    for (const signatureVersion of ['v3', 'v1'] as const) {
      for (const method of ['GET', 'POST'] as const) {
        verifying.reset();
        expect(
          (await settle(client({ signatureVersion, method }, verifying).queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data
            .Status,
        ).toBe('QUEUED');
      }
    }
  });

  it("a tampered request: SignatureDoesNotMatch, with the server's string to sign", async () => {
    const tamper: typeof fetch = (input, init) => verifying.fetch(String(input).replace('TaskId=', 'TaskId=X'), init);
    for (const signatureVersion of ['v3', 'v1'] as const) {
      const error = await failure(client({ signatureVersion, fetch: tamper }).queryTask({ TaskId: EXAMPLE_TASK_ID }));
      expect(error).toBeInstanceOf(GatewayError);
      expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 400, retryable: false });
      expect((error as Error).message).toMatch(
        signatureVersion === 'v1'
          ? /server string to sign is:POST&%2F&AccessKeyId%3D/
          : /server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/,
      );
    }
  });

  it('a replayed nonce: SignatureNonceUsed', async () => {
    let first: [RequestInfo | URL, RequestInit | undefined] | undefined;
    const replay: typeof fetch = (input, init) => {
      first ??= [input, init];
      return verifying.fetch(...first);
    };
    const c = client({ fetch: replay, retry: false });
    await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }));
    await expect(settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).rejects.toMatchObject({
      code: 'SignatureNonceUsed',
      httpStatus: 400,
    });
  });

  it('a nonce is remembered as long as its request could be accepted: signed 14 min ahead, replayed 16 min later', async () => {
    let offset = 0;
    const clockMock = createIotMock({ quota: false, verifySignatures: true, now: () => Date.now() + offset });
    let first: [RequestInfo | URL, RequestInit | undefined] | undefined;
    const replay: typeof fetch = (input, init) => {
      first ??= [input, init];
      return clockMock.fetch(...first);
    };
    // The client's clock runs 14 minutes ahead of the mock's: its timestamp is 14 minutes in the future.
    offset = -14 * 60_000;
    const c = client({ fetch: replay, retry: false, signatureVersion: 'v1' });
    await settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }));
    // 16 minutes on, the timestamp (now 2 minutes old) is still valid: the nonce must still be known.
    offset = 2 * 60_000;
    await expect(settle(c.queryTask({ TaskId: EXAMPLE_TASK_ID }))).rejects.toMatchObject({
      code: 'SignatureNonceUsed',
    });
  });

  it('a stale timestamp: InvalidTimeStamp.Expired; an unknown key: InvalidAccessKeyId.NotFound (404)', async () => {
    const future = createIotMock({ quota: false, verifySignatures: true, now: () => Date.now() + 20 * 60_000 });
    await expect(settle(client({ retry: false }, future).queryTask({ TaskId: EXAMPLE_TASK_ID }))).rejects.toMatchObject(
      {
        code: 'InvalidTimeStamp.Expired',
      },
    );
    await expect(
      settle(
        client({ credentials: { accessKeyId: 'who', accessKeySecret: 'x' } }, verifying).queryTask({
          TaskId: EXAMPLE_TASK_ID,
        }),
      ),
    ).rejects.toMatchObject({ code: 'InvalidAccessKeyId.NotFound', httpStatus: 404 });
  });
});

describe('fault injection', () => {
  it('per test: each kind reaches the client as the right typed error', async () => {
    const c = client({ retry: false });
    const q = () => failure(c.queryTask({ TaskId: EXAMPLE_TASK_ID }));
    mock.faults.add('gateway:Forbidden.RAM');
    expect(await q()).toMatchObject({ kind: 'gateway', code: 'Forbidden.RAM', httpStatus: 403 });
    mock.faults.add('status:503');
    expect(await q()).toMatchObject({ kind: 'gateway', code: 'ServiceUnavailable', httpStatus: 503, retryable: true });
    mock.faults.add('business:iot.system.SystemException');
    expect(await q()).toBeInstanceOf(BusinessError);
    mock.faults.add('html');
    expect(await q()).toBeInstanceOf(ResponseParseError);
    mock.faults.add('truncated');
    expect(await q()).toMatchObject({ kind: 'parse', httpStatus: 200 });
    mock.faults.add('drop');
    expect(await q()).toBeInstanceOf(NetworkError);
    expect(mock.faults.pending).toBe(0);
  });

  it('latency: the answer comes late, and the client times out if told to', async () => {
    mock.faults.add({ kind: 'latency', ms: 300 }, { times: 2 });
    const started = performance.now();
    const { Data: late } = await settle(client({ retry: false }).queryTask({ TaskId: EXAMPLE_TASK_ID }));
    expect(late.TaskId).toBe(EXAMPLE_TASK_ID);
    expect(performance.now() - started).toBe(300);
    await expect(
      settle(client({ retry: false, timeoutMs: 50 }).queryTask({ TaskId: EXAMPLE_TASK_ID })),
    ).rejects.toMatchObject({ code: 'Timeout' });
  });

  it('drives retries: two 503s then the task', async () => {
    mock.faults.add('status:503', { times: 2 });
    expect((await settle(client().queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data.Status).toBe('QUEUED');
    expect(mock.log.map((e) => e.httpStatus)).toEqual([503, 503, 200]);
  });

  it('per request: the x-iot-mock-fault header; scoped to a task', async () => {
    const withFault: typeof fetch = (input, init) =>
      mock.fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), 'x-iot-mock-fault': 'gateway:Throttling.User' },
      });
    await expect(
      settle(client({ fetch: withFault, retry: false }).queryTask({ TaskId: EXAMPLE_TASK_ID })),
    ).rejects.toMatchObject({ code: 'Throttling.User' });
    mock.tasks.seed({ TaskId: 'other' });
    mock.faults.add('gateway:InternalError', { taskId: 'other', times: Number.POSITIVE_INFINITY });
    expect((await settle(client().queryTask({ TaskId: EXAMPLE_TASK_ID }))).Data.TaskId).toBe(EXAMPLE_TASK_ID);
    await expect(settle(client({ retry: false }).queryTask({ TaskId: 'other' }))).rejects.toMatchObject({
      code: 'InternalError',
    });
  });
});
