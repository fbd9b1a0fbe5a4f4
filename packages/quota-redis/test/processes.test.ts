import { fileURLToPath } from 'node:url';
import type { MockServer } from '@iot-task/mock-server';
import { startTestRedis, type TestRedis } from '@iot-task/test-support/redisServer';
import { type BoundedProcess, spawnBounded } from '@iot-task/test-support/runBounded';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisQuota } from '../src/index.ts';
import { ACCOUNT, ALICE, BOB, busiestSecond, gatewayCounts, realDelay, strictGateway } from './support/quotaRun.ts';

// Real processes sharing one account's quota through a real redis-server, against one mock
// gateway that counts strictly. Real time: what is asserted is what the gateway saw.
const CHILD = fileURLToPath(new URL('./support/quotaProcess.ts', import.meta.url));
let redis: TestRedis;
let gateway: MockServer;
beforeAll(async () => {
  redis = await startTestRedis();
  gateway = await strictGateway();
});
afterAll(async () => {
  await gateway?.close();
  await redis?.stop();
});

function child(env: Record<string, string>, timeoutMs: number): BoundedProcess {
  return spawnBounded(process.execPath, [CHILD], {
    env: { ...process.env, QUOTA_REDIS_URL: redis.url, QUOTA_ENDPOINT: gateway.url, ...env },
    timeoutMs,
  });
}

type Line = { ok?: boolean; code?: string; message?: string; at: number; held?: number };
const lines = (output: string): Line[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);

describe('processes sharing one account through Redis', () => {
  it('4 processes × 100 calls, two RAM users, every default option: all succeed, 0 throttled, ≤ 5 a second, fair shares', async () => {
    const users = [ALICE, ALICE, BOB, BOB];
    const runs = users.map((user) =>
      child(
        {
          QUOTA_MODE: 'calls',
          QUOTA_CALLS: '100',
          QUOTA_ACCOUNT: ACCOUNT,
          QUOTA_KEY_ID: user.accessKeyId,
          QUOTA_KEY_SECRET: user.accessKeySecret,
        },
        240_000,
      ),
    );
    const results = await Promise.all(runs.map((run) => run.exited));
    const perProcess = results.map((result) => lines(result.stdout));
    for (const [i, result] of results.entries()) {
      expect(result.code, `process ${i}: ${result.stderr.slice(-400)}`).toBe(0);
      expect(perProcess[i]?.filter((line) => !line.ok)).toEqual([]);
      expect(perProcess[i]).toHaveLength(100);
    }
    const { accepted, throttled } = gatewayCounts(gateway.mock.log);
    expect(throttled).toBe(0);
    expect(accepted).toHaveLength(400);
    expect(busiestSecond(accepted)).toBeLessThanOrEqual(5);
    // While all four were busy (until the first had all its answers), they took turns.
    const firstDone = Math.min(...perProcess.map((calls) => Math.max(...calls.map((c) => c.at))));
    const shares = perProcess.map((calls) => calls.filter((c) => c.at <= firstDone).length);
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    for (const share of shares) expect(Math.abs(share - mean) / mean).toBeLessThanOrEqual(0.2);
  }, 300_000);

  it('a process killed (kill -9) while holding places: they are free again within the lease + 1 s', async () => {
    const account = 'acme-killed';
    const holder = child(
      { QUOTA_MODE: 'hold', QUOTA_CALLS: '5', QUOTA_LEASE_MS: '2000', QUOTA_ACCOUNT: account },
      60_000,
    );
    const printed = await holder.printed((output) => output.includes('"held"'));
    const heldAt = (lines(printed)[0] as Line).held as number;
    holder.child.kill('SIGKILL');
    await holder.exited;
    const quota = redisQuota({ url: redis.url, account });
    try {
      await quota.acquire(
        { account, api: 'Iot20180120/QueryTask', requestsPerSecond: 5, burst: 5, earliestArrivalMs: 0, leaseMs: 2000 },
        AbortSignal.timeout(20_000),
      );
      const grantedAt = Date.now();
      // Not before the places' leases ended (granted + 2 s + 1 s), and soon after.
      expect(grantedAt - heldAt).toBeGreaterThanOrEqual(3000 - 50);
      expect(grantedAt - heldAt).toBeLessThanOrEqual(3000 + 1500);
    } finally {
      await quota.close();
    }
  }, 60_000);

  it('a process that never closes the quota still ends by itself', async () => {
    await realDelay(0);
    const run = child(
      {
        QUOTA_MODE: 'no-close',
        QUOTA_ACCOUNT: 'acme-no-close',
        QUOTA_KEY_ID: ALICE.accessKeyId,
        QUOTA_KEY_SECRET: ALICE.accessKeySecret,
      },
      30_000,
    );
    const result = await run.exited;
    expect(result.code, result.stderr.slice(-400)).toBe(0);
    expect(lines(result.stdout)).toMatchObject([{ ok: true }]);
  }, 40_000);
});
