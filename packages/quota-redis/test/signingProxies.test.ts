import { createSigningProxy } from '@iot-task/client';
import type { MockServer } from '@iot-task/mock-server';
import { startTestRedis, type TestRedis } from '@iot-task/test-support/redisServer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RedisQuota, redisQuota, redisQuotaFromEnv } from '../src/index.ts';
import {
  ACCOUNT,
  ALICE,
  BOB,
  busiestSecond,
  gatewayCounts,
  realDelay,
  strictGateway,
  TASK_ID,
} from './support/quotaRun.ts';

let redis: TestRedis;
let gateway: MockServer;
beforeAll(async () => {
  redis = await startTestRedis();
  gateway = await strictGateway();
  await realDelay(6100); // past the hold of a Redis that just started
}, 20_000);
afterAll(async () => {
  await gateway?.close();
  await redis?.stop();
});

it('three signing proxies behind one load balancer, two RAM users: one quota, nothing throttled', async () => {
  const env = { IOT_TASK_QUOTA_REDIS_URL: redis.url, IOT_TASK_QUOTA_ACCOUNT: ACCOUNT };
  const quotas = [
    redisQuotaFromEnv(env),
    redisQuotaFromEnv(env),
    redisQuota({ url: redis.url, account: ACCOUNT }),
  ] as RedisQuota[];
  const proxies = quotas.map((quota, i) =>
    createSigningProxy({ endpoint: gateway.url, credentials: i === 1 ? BOB : ALICE, quota }),
  );
  try {
    // The balancer hands the browsers' requests round-robin to the instances.
    const responses = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        (proxies[i % proxies.length] as (request: Request) => Promise<Response>)(
          new Request(`http://proxy.test/api/iot?Action=QueryTask&TaskId=${encodeURIComponent(TASK_ID)}`),
        ),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(15).fill(200));
    const { accepted, throttled } = gatewayCounts(gateway.mock.log);
    expect(throttled).toBe(0);
    expect(accepted).toHaveLength(15);
    expect(busiestSecond(accepted)).toBeLessThanOrEqual(5);
  } finally {
    await Promise.all(quotas.map((quota) => quota.close()));
  }
}, 30_000);
