import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  createIotTaskClient,
  HookError,
  isTerminalStatus,
  type RequestStartEvent,
  type ResponseEvent,
  type TaskResult,
  UnknownStatusError,
  WaitTimeoutError,
} from '../src/index.ts';
import { ACCESS_KEY, fakeGateway, gatewayError, networkError, ok, TASK_ID } from './support/fakeGateway.ts';
import { warmLazyModules } from './support/warmLazyModules.ts';

const gateway = fakeGateway();
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
  gateway.setFallback(ok());
});
afterAll(() => server.close());
fakeClockEachTest({ warm: warmLazyModules });

const client = createIotTaskClient({
  region: 'cn-shanghai',
  credentials: ACCESS_KEY,
  fetch: gateway.fetch,
  quota: false,
  retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
});
const fast = { intervalMs: 5, maxIntervalMs: 20 };

describe('waitForTask', () => {
  it('polls through QUEUED → SENT → IN_PROGRESS to SUCCEEDED, reporting every poll', async () => {
    gateway.reply(
      ok({ Status: 'QUEUED', Progress: 0 }),
      ok({ Status: 'SENT', Progress: 0 }),
      ok({ Status: 'IN_PROGRESS', Progress: 30 }),
      ok({ Status: 'IN_PROGRESS', Progress: 70 }),
      ok({ Status: 'SUCCEEDED', Progress: 100 }),
    );
    const seen: TaskResult[] = [];
    const final = await settle(client.waitForTask(TASK_ID, { ...fast, onProgress: (t) => seen.push(t) }));
    expect(final).toMatchObject({ Status: 'SUCCEEDED', Progress: 100 });
    expect(seen.map((t) => `${t.Status}:${t.Progress}`)).toEqual([
      'QUEUED:0',
      'SENT:0',
      'IN_PROGRESS:30',
      'IN_PROGRESS:70',
      'SUCCEEDED:100',
    ]);
  });

  for (const status of ['FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELLED'] as const) {
    it(`returns on the terminal status ${status}`, async () => {
      gateway.reply(ok({ Status: 'IN_PROGRESS', Progress: 50 }), ok({ Status: status }));
      expect((await settle(client.waitForTask(TASK_ID, fast))).Status).toBe(status);
      expect(gateway.seen).toHaveLength(2);
    });
  }

  it('passes IotInstanceId on every poll', async () => {
    await settle(client.waitForTask(TASK_ID, { ...fast, IotInstanceId: 'iot-cn-0pp1n8t' }));
    expect(gateway.seen[0]?.params.IotInstanceId).toBe('iot-cn-0pp1n8t');
  });

  it('throws WaitTimeoutError with the last task when the deadline passes', async () => {
    gateway.setFallback(ok({ Status: 'IN_PROGRESS', Progress: 10 }));
    const started = performance.now();
    const error = await settle(client.waitForTask(TASK_ID, { ...fast, timeoutMs: 120 })).catch((e: unknown) => e);
    expect(performance.now() - started).toBe(120);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(error).toMatchObject({ code: 'WaitTimeout', lastTask: { Status: 'IN_PROGRESS', Progress: 10 } });
  });

  it('backs off while nothing changes', async () => {
    gateway.setFallback(ok({ Status: 'QUEUED', Progress: 0 }));
    const started = performance.now();
    await settle(client.waitForTask(TASK_ID, { intervalMs: 10, maxIntervalMs: 80, backoff: 2, timeoutMs: 400 })).catch(
      () => undefined,
    );
    // 10, 20, 40, 80, 80, … ms apart, to the deadline.
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 10, 30, 70, 150, 230, 310, 390]);
  });

  it('stops at once on a status the spec does not list, instead of polling to the deadline', async () => {
    gateway.reply(ok({ Status: 'IN_PROGRESS', Progress: 10 }), ok({ Status: 'REMOVED', Progress: 10 }));
    const error = await settle(client.waitForTask(TASK_ID, fast)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownStatusError);
    expect(error).toMatchObject({ kind: 'unknown-status', status: 'REMOVED', task: { Status: 'REMOVED' } });
    expect((error as Error).message).toBe(
      'task MSnT9***q010101 reports status "REMOVED", which the spec does not list, so whether it has ended is unknown',
    );
    expect(gateway.seen).toHaveLength(2);
  });

  it('tolerates a poll that fails with a retryable error, and keeps polling', async () => {
    gateway.reply(networkError, networkError, ok({ Status: 'SUCCEEDED' }));
    expect((await settle(client.waitForTask(TASK_ID, fast))).Status).toBe('SUCCEEDED');
  });

  it('stops on a non-retryable error', async () => {
    gateway.reply(gatewayError(403, 'Forbidden.RAM'));
    await expect(settle(client.waitForTask(TASK_ID, fast))).rejects.toMatchObject({ code: 'Forbidden.RAM' });
  });

  it('aborts between polls', async () => {
    gateway.setFallback(ok({ Status: 'IN_PROGRESS' }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 40);
    const started = performance.now();
    await expect(settle(client.waitForTask(TASK_ID, { ...fast, signal: controller.signal }))).rejects.toMatchObject({
      kind: 'aborted',
    });
    expect(performance.now() - started).toBe(40);
  });

  it('an onProgress that throws, or rejects, ends the wait with a HookError: never an unhandled rejection', async () => {
    const boom = new Error('db down');
    for (const onProgress of [
      () => {
        throw boom;
      },
      async () => {
        throw boom;
      },
    ]) {
      gateway.reply(ok({ Status: 'IN_PROGRESS', Progress: 10 }), ok({ Status: 'SUCCEEDED', Progress: 100 }));
      const error = await settle(client.waitForTask(TASK_ID, { ...fast, onProgress })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HookError);
      expect(error).toMatchObject({ cause: boom });
      gateway.seen.length = 0;
    }
  });

  it('an async onProgress is awaited before the next poll', async () => {
    gateway.reply(ok({ Status: 'IN_PROGRESS', Progress: 10 }), ok({ Status: 'SUCCEEDED', Progress: 100 }));
    const order: string[] = [];
    await settle(
      client.waitForTask(TASK_ID, {
        ...fast,
        onProgress: async (t) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          order.push(`${t.Status} handled, ${gateway.seen.length} sent`);
        },
      }),
    );
    expect(order).toEqual(['IN_PROGRESS handled, 1 sent', 'SUCCEEDED handled, 2 sent']);
  });

  it('names bad options', async () => {
    await expect(client.waitForTask(TASK_ID, { intervalMs: -5 })).rejects.toThrow(
      'intervalMs: expected a number of milliseconds, at least 0 and at most 2147483647, received -5',
    );
  });

  it('knows the terminal statuses from the spec', () => {
    expect(['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELLED'].every(isTerminalStatus)).toBe(true);
    expect(['QUEUED', 'SENT', 'IN_PROGRESS'].some(isTerminalStatus)).toBe(false);
  });
});

describe('observability hooks', () => {
  it('report request start (redacted URL), response with RequestId; nothing by default', async () => {
    const requests: RequestStartEvent[] = [];
    const responses: ResponseEvent[] = [];
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: { ...ACCESS_KEY, securityToken: 'sts-token-secret' },
      signatureVersion: 'v1',
      fetch: gateway.fetch,
      quota: false,
      hooks: { onRequest: (e) => requests.push(e), onResponse: (e) => responses.push(e) },
    });
    // The fake gateway does not know this STS key pair's token; it only checks the signature.
    await settle(c.queryTask({ TaskId: TASK_ID }));
    expect(requests[0]).toMatchObject({ action: 'QueryTask', attempt: 1, method: 'POST', signatureVersion: 'v1' });
    expect(requests[0]?.url).toContain('Signature=***');
    expect(requests[0]?.url).toContain('SecurityToken=***');
    expect(requests[0]?.url).not.toContain('sts-token-secret');
    expect(responses[0]).toMatchObject({ httpStatus: 200, requestId: '512FF8FD-A97F-4AAF-B0A2-7BE3D3A19BB3' });
  });
});

describe('waitForTask: its deadline and its signal hold over every step', () => {
  it('an onProgress that never settles: WaitTimeoutError at timeoutMs; the signal ends it too', async () => {
    gateway.setFallback(ok({ Status: 'IN_PROGRESS', Progress: 10 }));
    const never = () => new Promise<void>(() => {});
    const started = Date.now();
    const error = await settle(client.waitForTask(TASK_ID, { ...fast, timeoutMs: 300, onProgress: never })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(Date.now() - started).toBe(300);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const stopped = await settle(
      client.waitForTask(TASK_ID, { ...fast, signal: controller.signal, onProgress: never }),
    ).catch((e: unknown) => e);
    expect(stopped).toBeInstanceOf(AbortedError);
  });

  it('a busy quota (1 a second) does not carry the wait past timeoutMs', async () => {
    gateway.setFallback(ok({ Status: 'IN_PROGRESS', Progress: 10 }));
    const slow = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      fetch: gateway.fetch,
      quota: { account: 'wait-deadline', requestsPerSecond: 1, burst: 1 },
    });
    const started = Date.now();
    const error = await settle(slow.waitForTask(TASK_ID, { intervalMs: 0, timeoutMs: 300 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect(Date.now() - started).toBe(300);
  });
});
