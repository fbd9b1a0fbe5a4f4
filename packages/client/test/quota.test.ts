import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIotTaskClient } from '../src/index.ts';
import { TokenBucket } from '../src/tokenBucket.ts';
import { ACCESS_KEY, fakeGateway, TASK_ID } from './support/fakeGateway.ts';
import { warmLazyModules } from './support/warmLazyModules.ts';

const gateway = fakeGateway({
  secrets: { [ACCESS_KEY.accessKeyId]: ACCESS_KEY.accessKeySecret, other: 'other-secret' },
});
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
});
afterAll(() => server.close());
fakeClockEachTest({ warm: warmLazyModules });

/**
 * A token bucket lets through at most `burst + rate·T` requests in any window of length T:
 * checked over every pair of arrivals, exactly (arrival times are on the fake clock).
 */
function expectRateRespected(arrivals: number[], rate: number, burst: number) {
  const sorted = [...arrivals].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const window = (sorted[j] as number) - (sorted[i] as number);
      expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor((rate * window) / 1000));
    }
  }
}

describe('client-side quota (token bucket), on a fake clock', () => {
  it('a burst queues instead of exceeding the rate', async () => {
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      fetch: gateway.fetch,
      quota: { requestsPerSecond: 10, burst: 2, key: 'burst-test' },
    });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 8 }, () => c.queryTask({ TaskId: TASK_ID }))));
    const arrivals = gateway.seen.map((s) => s.at - started);
    expect(arrivals).toEqual([0, 0, 100, 200, 300, 400, 500, 600]);
    expectRateRespected(arrivals, 10, 2);
  });

  it('clients that use the same AccessKey share one bucket; another key has its own', async () => {
    const options = {
      region: 'cn-shanghai',
      fetch: gateway.fetch,
      quota: { requestsPerSecond: 10, burst: 1 },
    } as const;
    const a = createIotTaskClient({ ...options, credentials: ACCESS_KEY });
    const b = createIotTaskClient({ ...options, credentials: ACCESS_KEY });
    const other = createIotTaskClient({
      ...options,
      credentials: { accessKeyId: 'other', accessKeySecret: 'other-secret' },
    });
    const started = performance.now();
    await settle(Promise.all([a, b, a, b].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 100, 200, 300]);
    gateway.seen.length = 0;
    const t0 = performance.now();
    await settle(other.queryTask({ TaskId: TASK_ID }));
    expect(gateway.seen.map((s) => s.at - t0)).toEqual([0]);
  });

  it('aborting a queued call removes it from the queue; it never reaches the server', async () => {
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      fetch: gateway.fetch,
      quota: { requestsPerSecond: 1, burst: 1, key: 'abort-test' },
    });
    await settle(c.queryTask({ TaskId: TASK_ID }));
    const controller = new AbortController();
    const queued = c.queryTask({ TaskId: TASK_ID }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(settle(queued)).rejects.toMatchObject({ kind: 'aborted' });
    expect(gateway.seen).toHaveLength(1);
  });

  it('quota: false sends at once', async () => {
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      fetch: gateway.fetch,
      quota: false,
    });
    const t0 = performance.now();
    await settle(Promise.all(Array.from({ length: 20 }, () => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen).toHaveLength(20);
    expect(new Set(gateway.seen.map((s) => s.at - t0))).toEqual(new Set([0]));
  });
});

/** How many of `starts` fall in the busiest half-open window [t, t + 1000). */
function busiestSecond(starts: number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe('the quota promise: never more than requestsPerSecond starts in any sliding second', () => {
  it('the default (5 a second, burst 4): a burst of 12 starts 4, then 1, then waits for the window', async () => {
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      fetch: gateway.fetch,
      quota: { key: 'window-test' },
    });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 12 }, () => c.queryTask({ TaskId: TASK_ID }))));
    const arrivals = gateway.seen.map((s) => s.at - started);
    expect(arrivals).toEqual([0, 0, 0, 0, 200, 1000, 1000, 1000, 1000, 1200, 2000, 2000]);
    expect(busiestSecond(arrivals)).toBe(5);
  });

  it('holds at the server for any rate, burst, arrivals and answer times (property, on the fake clock)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }).chain((rate) =>
          fc.record({
            rate: fc.constant(rate),
            burst: fc.integer({ min: 1, max: rate }),
            requests: fc.array(
              fc.record({ at: fc.integer({ min: 0, max: 3000 }), answerMs: fc.integer({ min: 0, max: 1500 }) }),
              { minLength: 1, maxLength: 40 },
            ),
          }),
        ),
        async ({ rate, burst, requests }) => {
          const bucket = new TokenBucket(rate, burst);
          const t0 = Date.now();
          const spans: { start: number; end: number }[] = [];
          for (const { at, answerMs } of requests) {
            setTimeout(() => {
              void bucket.acquire().then((slot) => {
                const start = Date.now() - t0;
                setTimeout(() => {
                  slot.done();
                  spans.push({ start, end: Date.now() - t0 });
                }, answerMs);
              });
            }, at);
          }
          await vi.runAllTimersAsync();
          expect(spans).toHaveLength(requests.length);
          // A request reaches the server anywhere between its start and its answer. For any
          // requestsPerSecond + 1 of them to land within one second, the latest start would have
          // to come less than a second after the earliest answer among them: never.
          for (const latest of spans) {
            const overlapping = spans.filter((s) => s.start <= latest.start && s.end > latest.start - 1000);
            expect(overlapping.length).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
          }
          // The bucket's own promise: at most burst + rate·T starts in any window of length T.
          const sorted = spans.map((s) => s.start).sort((a, b) => a - b);
          for (let i = 0; i < sorted.length; i++) {
            for (let j = i; j < sorted.length; j++) {
              const window = (sorted[j] as number) - (sorted[i] as number);
              expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor((rate * window) / 1000 + 1e-9));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a request still out holds its place: slow answers never let a second burst overlap the first', async () => {
    const bucket = new TokenBucket(2, 2);
    const t0 = Date.now();
    const first = await Promise.all([bucket.acquire(), bucket.acquire()]);
    let third: number | undefined;
    void bucket.acquire().then(() => {
      third = Date.now() - t0;
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(third).toBeUndefined();
    first[0]?.done();
    await vi.advanceTimersByTimeAsync(999);
    expect(third).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toBe(6000);
  });

  it('clients of one AccessKey that disagree on the quota share one bucket at the strictest setting', async () => {
    const options = { region: 'cn-shanghai', fetch: gateway.fetch, credentials: ACCESS_KEY } as const;
    const loose = createIotTaskClient({ ...options, quota: { requestsPerSecond: 10, burst: 2, key: 'disagree' } });
    const strict = createIotTaskClient({ ...options, quota: { requestsPerSecond: 10, burst: 1, key: 'disagree' } });
    // Both join the bucket (the first with burst 2, then the second tightens it to 1)…
    await settle(Promise.all([loose, strict].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    await vi.advanceTimersByTimeAsync(2000);
    gateway.seen.length = 0;
    // …and after a quiet spell the loose client, too, gets a burst of one.
    const started = performance.now();
    await settle(Promise.all([loose, loose, strict, loose].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 100, 200, 300]);
  });
});

describe('TokenBucket', () => {
  it('rejects nonsense rates, when the client is created', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0.5)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 6)).toThrow('burst: expected a number from 1 to requestsPerSecond (5), received 6');
    expect(() => createIotTaskClient({ region: 'cn-shanghai', quota: { requestsPerSecond: -1 } })).toThrow(
      'requestsPerSecond: expected a positive number, received -1',
    );
  });

  it('serves waiters in FIFO order', async () => {
    const bucket = new TokenBucket(200, 1);
    const order: number[] = [];
    await bucket.acquire();
    const waits = [1, 2, 3].map((n) => bucket.acquire().then(() => order.push(n)));
    expect(bucket.pending).toBe(3);
    await settle(Promise.all(waits));
    expect(bucket.pending).toBe(0);
    expect(order).toEqual([1, 2, 3]);
  });
});

describe('the strictest setting of a key holds from the start', () => {
  it('a client made with a stricter quota slows the others of its key before it has sent anything', async () => {
    const options = { region: 'cn-shanghai', fetch: gateway.fetch, credentials: ACCESS_KEY } as const;
    const loose = createIotTaskClient({ ...options, quota: { key: 'declared-first' } });
    createIotTaskClient({ ...options, quota: { requestsPerSecond: 2, burst: 1, key: 'declared-first' } });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 4 }, () => loose.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 500, 1000, 1500]);
  });
});
