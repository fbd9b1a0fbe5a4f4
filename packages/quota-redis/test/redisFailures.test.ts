import { createServer, type Server, type Socket } from 'node:net';
import { createIotTaskClient, type IotTaskError } from '@iot-task/client';
import type { MockServer } from '@iot-task/mock-server';
import { startTestRedis, type TestRedis } from '@iot-task/test-support/redisServer';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisQuota, redisQuota } from '../src/index.ts';
import { ALICE, busiestSecond, gatewayCounts, realDelay, strictGateway, TASK_ID } from './support/quotaRun.ts';

// Redis down, refusing, slow or restarted: every call either succeeds within the quota or fails
// with a QuotaStoreError that names the store without its password — never sent over the quota,
// never hanging. Real redis-server processes, real time.
const PASSWORD = 'hunter2-s3cret';
let gateway: MockServer;
const opened: RedisQuota[] = [];
beforeAll(async () => {
  gateway = await strictGateway();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((quota) => quota.close()));
  gateway.mock.reset();
});
afterAll(() => gateway?.close());

function clientOf(
  url: string,
  options: Partial<Parameters<typeof redisQuota>[0]> = {},
  clientOptions: Parameters<typeof createIotTaskClient>[0] = {},
) {
  const quota = redisQuota({ url, account: 'acme', ...options });
  opened.push(quota);
  return createIotTaskClient({ endpoint: gateway.url, credentials: ALICE, quota, ...clientOptions });
}

async function failure(call: Promise<unknown>): Promise<IotTaskError> {
  try {
    await call;
  } catch (error) {
    return error as IotTaskError;
  }
  throw new Error('the call succeeded');
}

/** Nothing of the password in the error, its JSON or its stack. */
function expectNoSecret(error: IotTaskError) {
  for (const text of [error.message, JSON.stringify(error), String(error.stack)]) expect(text).not.toContain(PASSWORD);
}

describe('a Redis that cannot be asked', () => {
  it('refused (nothing listens): QuotaStoreUnavailable at once, retryable, naming the URL without its password', async () => {
    const port = await closedPort();
    const error = await failure(
      clientOf(`redis://:${PASSWORD}@127.0.0.1:${port}`).queryTask({ TaskId: TASK_ID }, { timeoutMs: 3000 }),
    );
    expect(error).toMatchObject({ kind: 'quota-store', code: 'QuotaStoreUnavailable', retryable: true });
    expect(error.message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).toContain('start Redis there, or fix the URL');
    expectNoSecret(error);
    expect(gateway.mock.log).toHaveLength(0);
  });

  it('a wrong password: QuotaStoreAuthFailed, not retried, the password never shown', async () => {
    const redis = await startTestRedis({ password: PASSWORD });
    try {
      const wrong = `redis://:wrong-${PASSWORD}@127.0.0.1:${redis.port}`;
      const error = await failure(clientOf(wrong).queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ kind: 'quota-store', code: 'QuotaStoreAuthFailed', retryable: false });
      expect(error.message).toContain('WRONGPASS');
      expect(error.message).toContain('put the right password in the URL');
      expectNoSecret(error);
      const none = await failure(clientOf(`redis://127.0.0.1:${redis.port}`).queryTask({ TaskId: TASK_ID }));
      expect(none).toMatchObject({ code: 'QuotaStoreAuthFailed' });
      expect(none.message).toContain('NOAUTH');
      expect(gateway.mock.log).toHaveLength(0);
    } finally {
      await redis.stop();
    }
  });

  it('a server that accepts but never answers: QuotaStoreTimeout within connectTimeoutMs, per attempt', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const error = await failure(
        clientOf(`redis://127.0.0.1:${silent.port}`, { connectTimeoutMs: 300 }).queryTask(
          { TaskId: TASK_ID },
          { timeoutMs: 5000 },
        ),
      );
      expect(error).toMatchObject({ kind: 'quota-store', code: 'QuotaStoreTimeout', retryable: true });
      expect(error.message).toContain('connectTimeoutMs 300');
      // Three attempts, each bounded: nowhere near a hang.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
    }
  });

  it('a Redis that stalls mid-run (DEBUG SLEEP): QuotaStoreTimeout after commandTimeoutMs; fine again after', async () => {
    const redis = await startTestRedis({ args: ['--enable-debug-command', 'yes'] });
    const admin = new Redis(redis.url);
    try {
      await realDelay(6100); // past the hold of a Redis that just started
      const c = clientOf(redis.url, { commandTimeoutMs: 300 }, { retry: false });
      await c.queryTask({ TaskId: TASK_ID });
      const sleeping = admin.call('DEBUG', 'SLEEP', '1.5');
      await realDelay(50);
      const error = await failure(c.queryTask({ TaskId: TASK_ID }));
      expect(error).toMatchObject({ kind: 'quota-store', code: 'QuotaStoreTimeout' });
      expect(error.message).toContain('commandTimeoutMs 300');
      await sleeping;
      await c.queryTask({ TaskId: TASK_ID });
      const { throttled } = gatewayCounts(gateway.mock.log);
      expect(throttled).toBe(0);
    } finally {
      admin.disconnect();
      await redis.stop();
    }
  }, 20_000);
});

describe('Redis stopped and restarted mid-run', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(() => redis?.stop());

  it('calls fail typed while it is down, wait out the hold after, and the gateway never sees the quota passed', async () => {
    await realDelay(6100);
    const c = clientOf(redis.url);
    const outcomes: string[] = [];
    let stopping = false;
    // Three callers, each calling in a loop for the whole run.
    const callers = [1, 2, 3].map(async () => {
      while (!stopping) {
        try {
          await c.queryTask({ TaskId: TASK_ID });
          outcomes.push('ok');
        } catch (error) {
          outcomes.push((error as IotTaskError).code);
          await realDelay(100);
        }
      }
    });
    await realDelay(2500);
    await redis.stop();
    await realDelay(1500);
    const whileDown = outcomes.length;
    await redis.start();
    const restartedAt = Date.now();
    // Once back, Redis has lost every place: nobody is granted one until the hold is over.
    await realDelay(9000);
    stopping = true;
    await Promise.all(callers);
    const codes = new Set(outcomes);
    expect([...codes].every((code) => code === 'ok' || code.startsWith('QuotaStore'))).toBe(true);
    expect(outcomes.slice(whileDown).filter((code) => code === 'ok').length).toBeGreaterThan(5);
    expect(codes.has('QuotaStoreUnavailable')).toBe(true);
    const { accepted, throttled } = gatewayCounts(gateway.mock.log);
    expect(throttled).toBe(0);
    expect(busiestSecond(accepted)).toBeLessThanOrEqual(5);
    // The hold: nothing reached the gateway in the first 5 s after the restart (6 s after Redis
    // started, less the one second the start time is rounded to).
    expect(accepted.filter((at) => at >= restartedAt && at < restartedAt + 5000)).toEqual([]);
  }, 30_000);
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A TCP server that accepts connections and never says a word. */
function silentServer(): Promise<{ port: number; close(): void }> {
  return new Promise((resolve) => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        port,
        close() {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    });
  });
}
