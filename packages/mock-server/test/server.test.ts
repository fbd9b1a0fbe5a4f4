import { createIotTaskClient, type IotTaskClientOptions, NetworkError } from '@iot-task/client';
import { EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../src/index.ts';
import { Config, OfficialIot as Iot, QueryTaskRequest } from './support/officialSdk.ts';

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ quota: false });
});
afterEach(() => server.mock.reset());
afterAll(() => server.close());

function client(options: IotTaskClientOptions = {}) {
  return createIotTaskClient({
    endpoint: server.url,
    credentials: TEST_CREDENTIALS,
    quota: false,
    retry: false,
    ...options,
  });
}

describe('over real HTTP on loopback', () => {
  it('our client (V3 and V1, GET and POST) gets the example task, signatures verified', async () => {
    const seen = [];
    for (const signatureVersion of ['v3', 'v1'] as const) {
      for (const method of ['GET', 'POST'] as const)
        seen.push(await client({ signatureVersion, method }).queryTask({ TaskId: EXAMPLE_TASK_ID }));
    }
    expect(seen.map((t) => t.Status)).toEqual(['QUEUED', 'SENT', 'IN_PROGRESS', 'IN_PROGRESS']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('waitForTask follows the example task to SUCCEEDED', async () => {
    const final = await client().waitForTask(EXAMPLE_TASK_ID, { intervalMs: 1, maxIntervalMs: 2 });
    expect(final).toMatchObject({ Status: 'SUCCEEDED', Progress: 100 });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch and the server string to sign', async () => {
    const error = await client({ credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'wrong' } })
      .queryTask({ TaskId: EXAMPLE_TASK_ID })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 400 });
    expect((error as Error).message).toContain('server string to sign is:ACS3-HMAC-SHA256\n');
  });

  it('a drop fault really drops the connection', async () => {
    server.mock.faults.add('drop');
    expect(
      await client()
        .queryTask({ TaskId: EXAMPLE_TASK_ID })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(NetworkError);
  });

  it('has a control surface: seed a task with a scenario, queue a fault, reset', async () => {
    const seed = await fetch(`${server.url}/__mock/tasks`, {
      method: 'POST',
      body: JSON.stringify({ TaskId: 'T-fail', scenario: 'fails' }),
    });
    expect(seed.status).toBe(201);
    expect((await client().waitForTask('T-fail', { intervalMs: 1 })).Status).toBe('FAILED');
    const bad = await fetch(`${server.url}/__mock/tasks`, {
      method: 'POST',
      body: JSON.stringify({ TaskId: 'x', scenario: 'explodes' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^scenario: expected one of succeeds, fails/);
    await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'gateway:Throttling.User', times: 1 }),
    });
    await expect(client().queryTask({ TaskId: EXAMPLE_TASK_ID })).rejects.toMatchObject({ code: 'Throttling.User' });
    expect((await fetch(`${server.url}/__mock/reset`, { method: 'POST' })).status).toBe(204);
    const tasks = await (await fetch(`${server.url}/__mock/tasks`)).json();
    expect(tasks.map((t: { TaskId: string }) => t.TaskId)).toEqual([EXAMPLE_TASK_ID]);
    const stats = await (await fetch(`${server.url}/__mock/stats`)).json();
    expect(stats.rss).toBeGreaterThan(0);
  });

  it('enforces the quota when on: Throttling.User over 5 requests a second per AccessKey', async () => {
    // The mock's clock stands still, so no token comes back however slowly the 7 requests arrive.
    const frozenAt = Date.now();
    const limited = await createMockServer({ now: () => frozenAt });
    try {
      const c = createIotTaskClient({
        endpoint: limited.url,
        credentials: TEST_CREDENTIALS,
        quota: false,
        retry: false,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 7 }, () => c.queryTask({ TaskId: EXAMPLE_TASK_ID })),
      );
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
        expect.objectContaining({ code: 'Throttling.User', httpStatus: 400 }),
        expect.objectContaining({ code: 'Throttling.User', httpStatus: 400 }),
      ]);
    } finally {
      await limited.close();
    }
  });
});

describe('the official SDK (@alicloud/iot20180120) against the mock', () => {
  const official = (signatureAlgorithm?: 'v2') =>
    new Iot(
      new Config({
        ...TEST_CREDENTIALS,
        endpoint: server.url.replace('http://', ''),
        protocol: 'http',
        ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
      }),
    );

  for (const [name, algorithm] of [
    ['V3 (its default)', undefined],
    ["V2 RPC (signatureAlgorithm 'v2')", 'v2'],
  ] as const) {
    it(`${name}: signed, verified, and gets the task back`, async () => {
      const response = await official(algorithm).queryTask(new QueryTaskRequest({ taskId: EXAMPLE_TASK_ID }));
      expect(response.statusCode).toBe(200);
      expect(response.body.success).toBe(true);
      expect(response.body.data).toMatchObject({
        taskId: EXAMPLE_TASK_ID,
        status: 'QUEUED',
        jobName: 'MyTestJobIax6Eq',
      });
    });
  }

  it('its business errors come back as a success body, as the real service gives them', async () => {
    const response = await official().queryTask(new QueryTaskRequest({ taskId: 'nope' }));
    expect(response.body).toMatchObject({ success: false, code: 'iot.job.TaskNotFound' });
  });

  it('a wrong secret throws the SDK own error with SignatureDoesNotMatch', async () => {
    const wrong = new Iot(
      new Config({
        ...TEST_CREDENTIALS,
        accessKeySecret: 'wrong',
        endpoint: server.url.replace('http://', ''),
        protocol: 'http',
      }),
    );
    await expect(wrong.queryTask(new QueryTaskRequest({ taskId: EXAMPLE_TASK_ID }))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      statusCode: 400,
    });
  });
});
