import { type Credentials, createIotTaskClient, type IotTaskClient } from '@iot-task/client';
import type { MockServer } from '@iot-task/mock-server';
import { startTestRedis, type TestRedis } from '@iot-task/test-support/redisServer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RedisQuota, redisQuota, redisQuotaFromEnv } from '../src/index.ts';
import { ALICE, BOB, busiestSecond, gatewayCounts, realDelay, strictGateway, TASK_ID } from './support/quotaRun.ts';

// Real redis-server, real HTTP, real time: what is asserted is what the gateway saw (its own
// clock), and the order of events — never how long something took.
let redis: TestRedis;
let gateway: MockServer;
const opened: RedisQuota[] = [];
let accounts = 0;

beforeAll(async () => {
  redis = await startTestRedis();
  gateway = await strictGateway();
  // A Redis that started less than the restart hold ago might have lost places: wait it out once.
  await realDelay(6100);
}, 20_000);
afterEach(async () => {
  await Promise.all(opened.splice(0).map((quota) => quota.close()));
  gateway.mock.reset();
});
afterAll(async () => {
  await gateway?.close();
  await redis?.stop();
});

/** A store of its own (as another process would have) for a fresh account of this test. */
function store(options: Partial<Parameters<typeof redisQuota>[0]> = {}, account = `acme-${++accounts}`): RedisQuota {
  const quota = redisQuota({ url: redis.url, account, ...options });
  opened.push(quota);
  return quota;
}

function client(
  quota: RedisQuota,
  credentials: Credentials = ALICE,
  options: Parameters<typeof createIotTaskClient>[0] = {},
) {
  return createIotTaskClient({ endpoint: gateway.url, credentials, quota, ...options });
}

const calls = (c: IotTaskClient, n: number) =>
  Promise.allSettled(Array.from({ length: n }, () => c.queryTask({ TaskId: TASK_ID })));

describe('redisQuota: one account, many stores', () => {
  it('a burst of 12 all succeed; the gateway never sees more than 5 in a second', async () => {
    const results = await calls(client(store()), 12);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const { accepted, throttled } = gatewayCounts(gateway.mock.log);
    expect(throttled).toBe(0);
    expect(accepted).toHaveLength(12);
    expect(busiestSecond(accepted)).toBeLessThanOrEqual(5);
  }, 20_000);

  it('two RAM users of one account, each with its own store (as two processes): one quota', async () => {
    const account = `acme-${++accounts}`;
    const alice = client(store({}, account), ALICE);
    const bob = client(store({}, account), BOB);
    const results = await Promise.all([calls(alice, 8), calls(bob, 8)]);
    expect(results.flat().filter((r) => r.status === 'rejected')).toEqual([]);
    const { accepted, throttled } = gatewayCounts(gateway.mock.log);
    expect(throttled).toBe(0);
    expect(busiestSecond(accepted)).toBeLessThanOrEqual(5);
  }, 20_000);

  it('other accounts keep their own quota', async () => {
    const slow = { requestsPerSecond: 1, burst: 1 };
    const a = client(store(slow));
    const b = client(store(slow));
    const order: string[] = [];
    const run = (c: IotTaskClient, name: string) =>
      c.queryTask({ TaskId: TASK_ID }).then(() => {
        order.push(name);
      });
    await Promise.all([run(a, 'a1'), run(a, 'a2'), run(b, 'b1')]);
    // b's first call did not wait for a's second turn (a second later).
    expect(order.indexOf('b1')).toBeLessThan(order.indexOf('a2'));
  }, 20_000);

  it('clients told different rates: the strictest holds for all of them', async () => {
    const account = `acme-${++accounts}`;
    const strict = client(store({ requestsPerSecond: 2, burst: 1 }, account));
    const loose = client(store({}, account), BOB);
    await strict.queryTask({ TaskId: TASK_ID });
    gateway.mock.reset();
    const results = await Promise.all([calls(loose, 6), calls(strict, 2)]);
    expect(results.flat().filter((r) => r.status === 'rejected')).toEqual([]);
    expect(busiestSecond(gatewayCounts(gateway.mock.log).accepted)).toBeLessThanOrEqual(2);
  }, 20_000);

  it('an aborted wait leaves the queue at once: it is never sent, and nobody waits behind it', async () => {
    const account = `acme-${++accounts}`;
    const slow = { requestsPerSecond: 1, burst: 1 };
    const first = client(store(slow, account));
    const second = client(store(slow, account), BOB);
    await first.queryTask({ TaskId: TASK_ID });
    const controller = new AbortController();
    const aborted = first.queryTask({ TaskId: TASK_ID }, { signal: controller.signal });
    await realDelay(100);
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ kind: 'aborted' });
    await second.queryTask({ TaskId: TASK_ID });
    expect(gateway.mock.log.map((entry) => entry.httpStatus)).toEqual([200, 200]);
  }, 20_000);

  it('maxWaitMs: a call that would wait longer fails with QuotaWaitTimeout, unsent', async () => {
    const c = client(store({ requestsPerSecond: 1, burst: 1, maxWaitMs: 400 }));
    const results = await calls(c, 3);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect(result.reason).toMatchObject({ kind: 'timeout', code: 'QuotaWaitTimeout' });
    }
    expect(gateway.mock.log).toHaveLength(1);
  }, 20_000);

  it('close(): calls waiting for a turn fail with QuotaStoreClosed, and later ones too', async () => {
    const quota = store({ requestsPerSecond: 1, burst: 1 });
    const c = client(quota);
    await c.queryTask({ TaskId: TASK_ID });
    const waiting = c.queryTask({ TaskId: TASK_ID }).catch((error: unknown) => error);
    await realDelay(100);
    await quota.close();
    expect(await waiting).toMatchObject({ kind: 'quota-store', code: 'QuotaStoreClosed', retryable: false });
    await expect(c.queryTask({ TaskId: TASK_ID })).rejects.toMatchObject({ code: 'QuotaStoreClosed' });
    expect(gateway.mock.log).toHaveLength(1);
  }, 20_000);
});

describe('redisQuota: careless options', () => {
  it.each([
    [{ url: 'http://127.0.0.1:6379' }, 'redisQuota.url: expected a Redis URL', 'http://127.0.0.1:6379'],
    [{ url: '' }, 'redisQuota.url: expected a Redis URL', '""'],
    [{ url: 'redis://:hunter2@' }, 'redisQuota.url: expected a Redis URL', 'text that is not a URL'],
    [{ url: 'redis://:hunter2@host/db' }, 'the path is a database number', 'redis://:***@host/db'],
    [{ url: redisUrl(), account: '' }, 'redisQuota.account: expected a non-empty string', '0 characters'],
    [{ url: redisUrl(), account: 'x'.repeat(300) }, 'redisQuota.account', '300 characters'],
    [{ url: redisUrl(), commandTimeoutMs: 0 }, 'redisQuota.commandTimeoutMs: expected a number of milliseconds', '0'],
  ])('%j is refused, naming the field; a password is never quoted', (options, expected, received) => {
    let thrown: unknown;
    try {
      redisQuota(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ kind: 'validation' });
    expect(String((thrown as Error).message)).toContain(expected);
    expect(String((thrown as Error).message)).toContain(received);
    expect(String((thrown as Error).message)).not.toContain('hunter2');
  });

  it('odd characters in an account name are a name like any other', async () => {
    const c = client(store({}, 'acme {prod}:*?\n 账号'));
    await c.queryTask({ TaskId: TASK_ID });
    expect(gateway.mock.log).toHaveLength(1);
  }, 20_000);

  it('a store whose options the client refuses is refused when the client is made', () => {
    expect(() => client(store({ burst: 9, requestsPerSecond: 5 }))).toThrow(
      'quota.options.burst: expected a number from 1 to requestsPerSecond (5)',
    );
  });

  it('redisQuotaFromEnv: nothing without the URL; the variable named when it is wrong', async () => {
    expect(redisQuotaFromEnv({})).toBeUndefined();
    expect(() => redisQuotaFromEnv({ IOT_TASK_QUOTA_REDIS_URL: 'nope:' })).toThrow(
      'IOT_TASK_QUOTA_REDIS_URL: expected a Redis URL',
    );
    const quota = redisQuotaFromEnv({ IOT_TASK_QUOTA_REDIS_URL: redis.url, IOT_TASK_QUOTA_ACCOUNT: 'acme-env' });
    expect(quota?.options.account).toBe('acme-env');
    await quota?.close();
  });
});

function redisUrl(): string {
  return 'redis://127.0.0.1:6379';
}
