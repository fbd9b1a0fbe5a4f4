import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createIotTaskClient, type QuotaSlot, type QuotaStore } from '../src/index.ts';
import { QuotaWindow } from '../src/quota/quotaWindow.ts';
import { RoundTrips } from '../src/quota/roundTrips.ts';
import { ACCESS_KEY, delayed, fakeGateway, ok, TASK_ID } from './support/fakeGateway.ts';
import { warmLazyModules } from './support/warmLazyModules.ts';

const OTHER_KEY = { accessKeyId: 'other', accessKeySecret: 'other-secret' } as const;
const gateway = fakeGateway({
  secrets: { [ACCESS_KEY.accessKeyId]: ACCESS_KEY.accessKeySecret, [OTHER_KEY.accessKeyId]: OTHER_KEY.accessKeySecret },
});
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
  gateway.setFallback(ok());
});
afterAll(() => server.close());
fakeClockEachTest({ warm: warmLazyModules });

/** A unique account per test: the process-wide windows of one test never meet another's. */
let accounts = 0;
const account = (name: string) => `${name}-${++accounts}`;

/** How many of `arrivals` fall in the busiest half-open window [t, t + 1000). */
function busiestSecond(arrivals: number[]): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/** A token bucket lets through at most `burst + rate·T` requests in any window of length T. */
function expectRateRespected(arrivals: number[], rate: number, burst: number) {
  const sorted = [...arrivals].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const window = (sorted[j] as number) - (sorted[i] as number);
      expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor((rate * window) / 1000 + 1e-9));
    }
  }
}

/**
 * `fetch` over a network where each trip takes `[up, down]` ms: to the gateway (where the
 * arrival is recorded), and back.
 */
function overPath(trip: () => readonly [number, number]): typeof fetch {
  return (async (input, init) => {
    const [up, down] = trip();
    await new Promise((resolve) => setTimeout(resolve, up));
    const response = await gateway.fetch(input, init);
    await new Promise((resolve) => setTimeout(resolve, down));
    return response;
  }) as typeof fetch;
}

const base = { region: 'cn-shanghai', credentials: ACCESS_KEY, fetch: gateway.fetch } as const;

describe('client-side quota, on a fake clock', () => {
  it('a burst queues instead of exceeding the rate', async () => {
    const c = createIotTaskClient({ ...base, quota: { requestsPerSecond: 10, burst: 2, account: account('burst') } });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 8 }, () => c.queryTask({ TaskId: TASK_ID }))));
    const arrivals = gateway.seen.map((s) => s.at - started);
    expect(arrivals).toEqual([0, 0, 100, 200, 300, 400, 500, 600]);
    expectRateRespected(arrivals, 10, 2);
  });

  it('clients of one AccessKey share one window; another AccessKey has its own', async () => {
    const options = {
      region: 'cn-shanghai',
      fetch: gateway.fetch,
      quota: { requestsPerSecond: 10, burst: 1 },
    } as const;
    const a = createIotTaskClient({ ...options, credentials: ACCESS_KEY });
    const b = createIotTaskClient({ ...options, credentials: ACCESS_KEY });
    const other = createIotTaskClient({ ...options, credentials: OTHER_KEY });
    const started = performance.now();
    await settle(Promise.all([a, b, a, b].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 100, 200, 300]);
    gateway.seen.length = 0;
    const t0 = performance.now();
    await settle(other.queryTask({ TaskId: TASK_ID }));
    expect(gateway.seen.map((s) => s.at - t0)).toEqual([0]);
  });

  it('RAM users of one account (two AccessKeys, one quota.account) share one window per API', async () => {
    const quota = { requestsPerSecond: 10, burst: 1, account: account('acme') };
    const alice = createIotTaskClient({ ...base, quota });
    const bob = createIotTaskClient({ ...base, credentials: OTHER_KEY, quota });
    const started = performance.now();
    await settle(Promise.all([alice, bob, alice, bob].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    // One window: a request every 100 ms, whichever AccessKey signed it.
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 100, 200, 300]);
    const signers = gateway.seen.map((s) => /Credential=([^,]+)/.exec(s.headers.authorization ?? '')?.[1]);
    expect(signers.sort()).toEqual(['other', 'other', ACCESS_KEY.accessKeyId, ACCESS_KEY.accessKeyId]);
  });

  it('aborting a queued call removes it from the queue; it never reaches the server', async () => {
    const c = createIotTaskClient({ ...base, quota: { requestsPerSecond: 1, burst: 1, account: account('abort') } });
    await settle(c.queryTask({ TaskId: TASK_ID }));
    const controller = new AbortController();
    const queued = c.queryTask({ TaskId: TASK_ID }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(settle(queued)).rejects.toMatchObject({ kind: 'aborted' });
    expect(gateway.seen).toHaveLength(1);
  });

  it('quota: false sends at once', async () => {
    const c = createIotTaskClient({ ...base, quota: false });
    const t0 = performance.now();
    await settle(Promise.all(Array.from({ length: 20 }, () => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen).toHaveLength(20);
    expect(new Set(gateway.seen.map((s) => s.at - t0))).toEqual(new Set([0]));
  });

  it('quota.key is refused with the name to use instead', () => {
    expect(() => createIotTaskClient({ ...base, quota: { key: 'acme' } as never })).toThrow(
      "quota.key: expected nothing: the quota is the account's, name it with quota.account",
    );
    expect(() => createIotTaskClient({ ...base, quota: { account: ' ' } })).toThrow(
      'quota.account: expected a non-empty string, received " "',
    );
    expect(() => createIotTaskClient({ ...base, quota: { maxWaitMs: -1 } })).toThrow('quota.maxWaitMs: expected');
    expect(() => createIotTaskClient({ ...base, quota: { strict: 'yes' as never } })).toThrow(
      'quota.strict: expected true or false, received "yes"',
    );
  });
});

describe('the wait for a turn does not eat the deadline', () => {
  it('200 calls at once with every default option all succeed', async () => {
    const c = createIotTaskClient({ ...base, fetch: overPath(() => [100, 100]), quota: { account: account('many') } });
    const started = performance.now();
    const results = await settle(
      Promise.allSettled(Array.from({ length: 200 }, () => c.queryTask({ TaskId: TASK_ID }))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(busiestSecond(gateway.seen.map((s) => s.at))).toBeLessThanOrEqual(5);
    // Far longer than the 15 s deadline: the waits for a turn did not count against it.
    expect(performance.now() - started).toBeGreaterThan(15_000);
  });

  it('timeoutMs still bounds the time on the wire after a long wait', async () => {
    const c = createIotTaskClient({
      ...base,
      quota: { requestsPerSecond: 1, burst: 1, account: account('wire') },
      timeoutMs: 3000,
      attemptTimeoutMs: 3000,
      retry: false,
    });
    await settle(c.queryTask({ TaskId: TASK_ID }));
    await settle(Promise.all(Array.from({ length: 5 }, () => c.queryTask({ TaskId: TASK_ID }))));
    // The next one waits ~1 s for its turn, then meets a server that never answers.
    gateway.setFallback(delayed(60_000, ok()));
    const started = performance.now();
    let took = 0;
    const stalled = c.queryTask({ TaskId: TASK_ID }).finally(() => {
      took = performance.now() - started;
    });
    await expect(settle(stalled)).rejects.toMatchObject({ kind: 'timeout', code: 'Timeout' });
    expect(took).toBeGreaterThanOrEqual(3000 + 900);
    expect(took).toBeLessThanOrEqual(3000 + 1000 + 50);
  });

  it('quota.maxWaitMs bounds the wait: the call fails with QuotaWaitTimeout and is never sent', async () => {
    const c = createIotTaskClient({
      ...base,
      quota: { requestsPerSecond: 1, burst: 1, account: account('maxwait'), maxWaitMs: 2500 },
    });
    const calls = Array.from({ length: 5 }, () =>
      c.queryTask({ TaskId: TASK_ID }).then(
        () => 'ok',
        (e) => e,
      ),
    );
    const outcomes = await settle(Promise.all(calls));
    // One at once, then one a second: 0 s, 1 s, 2 s; the 4th and 5th would go at 3 s and 4 s.
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    for (const outcome of outcomes.slice(3)) {
      expect(outcome).toMatchObject({ kind: 'timeout', code: 'QuotaWaitTimeout', retryable: false });
      expect(String(outcome.message)).toMatch(/^QueryTask waited 2500 ms for its turn in the quota and was not sent/);
    }
    expect(gateway.seen).toHaveLength(3);
  });

  it("the caller's AbortSignal ends the wait at any time", async () => {
    const c = createIotTaskClient({
      ...base,
      quota: { requestsPerSecond: 1, burst: 1, account: account('abortwait') },
    });
    await settle(c.queryTask({ TaskId: TASK_ID }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1500);
    const calls = Array.from({ length: 3 }, () => c.queryTask({ TaskId: TASK_ID }, { signal: controller.signal }));
    const outcomes = await settle(Promise.allSettled(calls));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(gateway.seen).toHaveLength(2);
  });
});

describe('the quota promise: never more than requestsPerSecond arrivals in any sliding second', () => {
  it('the default (5 a second, burst 4): a burst of 12 starts 4, then 1, then waits for the window', async () => {
    const c = createIotTaskClient({ ...base, quota: { account: account('window') } });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 12 }, () => c.queryTask({ TaskId: TASK_ID }))));
    const arrivals = gateway.seen.map((s) => s.at - started);
    expect(arrivals).toEqual([0, 0, 0, 0, 200, 1000, 1000, 1000, 1000, 1200, 2000, 2000]);
    expect(busiestSecond(arrivals)).toBe(5);
  });

  it('counted until it reached the server: 100 ms each way keeps closer to 5 a second than strict', async () => {
    // Arrivals in 10 seconds, once the first trips are behind. A place counts 1 s + 200 ms − 2 × 58 ms
    // (60% of each way, less 2 ms) = 1.084 s: 45 or 46 in 10 s; strict, 1.2 s: 41 or 42.
    const arrivalsIn10s = async (strict: boolean) => {
      gateway.seen.length = 0;
      const c = createIotTaskClient({
        ...base,
        fetch: overPath(() => [100, 100]),
        quota: { account: account(`tight-${strict}`), strict },
      });
      await settle(Promise.all(Array.from({ length: 80 }, () => c.queryTask({ TaskId: TASK_ID }))));
      const arrivals = gateway.seen.map((s) => s.at);
      expect(busiestSecond(arrivals)).toBeLessThanOrEqual(5);
      const from = (arrivals[0] as number) + 3000;
      return arrivals.filter((at) => at >= from && at < from + 10_000).length;
    };
    expect(await arrivalsIn10s(false)).toBeGreaterThanOrEqual(45);
    expect(await arrivalsIn10s(true)).toBeLessThanOrEqual(42);
  });

  it('holds at the server over paths whose two directions take about the same time, however long the server takes (property)', async () => {
    // Each trip: a base time each way, plus a delay of its own on both directions alike, plus up
    // to 2 ms more on either (the margin the estimate keeps), plus the server's own time between
    // the arrival it counts and its answer — which a round trip cannot tell from the path.
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          oneWay: fc.integer({ min: 0, max: 300 }),
          serverMs: fc.integer({ min: 0, max: 300 }),
          // The path's fastest trip comes among the first three (the estimate waits for four).
          trips: fc
            .array(fc.tuple(fc.nat(200), fc.nat(2), fc.nat(2)), { minLength: 5, maxLength: 40 })
            .chain((trips) =>
              fc.nat(2).map((fastest) => trips.map((t, i) => (i === fastest ? ([0, t[1], t[2]] as const) : t))),
            ),
          starts: fc.array(fc.nat(4000), { minLength: 5, maxLength: 40 }),
          strict: fc.boolean(),
        }),
        async ({ oneWay, serverMs, trips, starts, strict }) => {
          gateway.seen.length = 0;
          let n = 0;
          const c = createIotTaskClient({
            ...base,
            fetch: overPath(() => {
              const [both, up, down] = trips[n++ % trips.length] as [number, number, number];
              return [oneWay + both + up, oneWay + both + down + serverMs];
            }),
            quota: { account: account('paths'), strict },
            retry: false,
            attemptTimeoutMs: 5000,
          });
          const calls = starts.map(
            (at) =>
              new Promise((resolve) => {
                setTimeout(() => resolve(c.queryTask({ TaskId: TASK_ID }).catch(() => undefined)), at);
              }),
          );
          await settle(Promise.all(calls));
          expect(gateway.seen).toHaveLength(starts.length);
          expect(busiestSecond(gateway.seen.map((s) => s.at))).toBeLessThanOrEqual(5);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('clients of one account that disagree on the quota share one window at the strictest setting', async () => {
    const name = account('disagree');
    const loose = createIotTaskClient({ ...base, quota: { requestsPerSecond: 10, burst: 2, account: name } });
    const strict = createIotTaskClient({ ...base, quota: { requestsPerSecond: 10, burst: 1, account: name } });
    await settle(Promise.all([loose, strict].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    await vi.advanceTimersByTimeAsync(2000);
    gateway.seen.length = 0;
    const started = performance.now();
    await settle(Promise.all([loose, loose, strict, loose].map((c) => c.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 100, 200, 300]);
  });

  it('a client made with a stricter quota slows the others of its account before it has sent anything', async () => {
    const name = account('declared-first');
    const loose = createIotTaskClient({ ...base, quota: { account: name } });
    createIotTaskClient({ ...base, quota: { requestsPerSecond: 2, burst: 1, account: name } });
    const started = performance.now();
    await settle(Promise.all(Array.from({ length: 4 }, () => loose.queryTask({ TaskId: TASK_ID }))));
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 500, 1000, 1500]);
  });
});

describe('RoundTrips: what trips say about the path', () => {
  const seen = (trips: number[]) => {
    const roundTrips = new RoundTrips();
    for (const ms of trips) roundTrips.observe(ms);
    return roundTrips.oneWayMs();
  };

  it('a steady path: 60% of half its shortest trip, less 2 ms, once four trips are in', () => {
    expect(seen(Array(3).fill(200))).toBe(0);
    expect(seen([...Array(3).fill(200), 201])).toBe(58);
  });

  it('trips that vary are a queue: claimed less by their spread, down to nothing', () => {
    // The median (of the last eight) 10 ms above the shortest: 10 ms less.
    expect(seen([200, 210, 210, 210, 210, 210, 210, 210])).toBe(48);
    // A loaded machine's burst: each trip queued behind the one before.
    expect(seen([20, 30, 40, 50])).toBe(0);
    expect(seen([20, 30, 40, 50, 60, 70, 80, 90])).toBe(0);
  });

  it('never claims more than 500 ms each way, nor anything from trips that are no time', () => {
    expect(seen(Array(8).fill(60_000))).toBe(500);
    expect(seen([Number.NaN, -1, Number.POSITIVE_INFINITY, ...Array(8).fill(0)])).toBe(0);
  });
});

describe('QuotaWindow', () => {
  it('holds for any rate, burst, grants and honest answers (property, on the fake clock)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }).chain((rate) =>
          fc.record({
            rate: fc.constant(rate),
            burst: fc.integer({ min: 1, max: rate }),
            requests: fc.array(
              fc.record({
                at: fc.integer({ min: 0, max: 3000 }),
                up: fc.integer({ min: 0, max: 700 }),
                down: fc.integer({ min: 0, max: 700 }),
                earliest: fc.integer({ min: 0, max: 700 }),
                told: fc.integer({ min: 0, max: 700 }),
              }),
              { minLength: 1, maxLength: 40 },
            ),
          }),
        ),
        async ({ rate, burst, requests }) => {
          const window = new QuotaWindow(rate, burst);
          const t0 = Date.now();
          const arrivals: number[] = [];
          const starts: number[] = [];
          for (const { at, up, down, earliest, told } of requests) {
            setTimeout(() => {
              // What the window is told must be true of the request: it cannot arrive sooner
              // than `earliest` after the grant, and did arrive at least `since` before the answer.
              const uplink = Math.max(up, earliest);
              void window.acquire(undefined, earliest).then((slot) => {
                starts.push(Date.now() - t0);
                setTimeout(() => {
                  arrivals.push(Date.now() - t0);
                  setTimeout(() => slot.done(Math.min(told, down)), down);
                }, uplink);
              });
            }, at);
          }
          await vi.runAllTimersAsync();
          expect(arrivals).toHaveLength(requests.length);
          expect(busiestSecond(arrivals)).toBeLessThanOrEqual(Math.max(1, Math.floor(rate)));
          expectRateRespected(starts, rate, burst);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a request still out holds its place: slow answers never let a second burst overlap the first', async () => {
    const window = new QuotaWindow(2, 2);
    const t0 = Date.now();
    const first = await Promise.all([window.acquire(), window.acquire()]);
    let third: number | undefined;
    void window.acquire().then(() => {
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

  it('a place counts until a second after the arrival it is told of, never before its grant', async () => {
    const window = new QuotaWindow(1, 1);
    const t0 = Date.now();
    const slot = await window.acquire();
    await vi.advanceTimersByTimeAsync(300);
    slot.done(100); // arrived at 200 ms: blocks until 1200 ms
    let grantedAt = 0;
    const next = window.acquire().then((granted) => {
      grantedAt = Date.now() - t0;
      return granted;
    });
    await vi.advanceTimersByTimeAsync(2000);
    expect(grantedAt).toBe(1200);
    (await next).done();
    // Told of an arrival before its grant: it counts from the grant (1.5 a second: a token is
    // back 667 ms after a grant, the window a second after it).
    const faster = new QuotaWindow(1.5, 1);
    const t1 = Date.now();
    const first = await faster.acquire();
    await vi.advanceTimersByTimeAsync(100);
    first.done(10_000);
    const after = faster.acquire().then(() => Date.now() - t1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await after).toBe(1000);
  });

  it('a request that cannot arrive for a while may be granted before a place frees', async () => {
    const window = new QuotaWindow(2, 2);
    const t0 = Date.now();
    const slots = await Promise.all([window.acquire(), window.acquire()]);
    for (const slot of slots) slot.done(); // they block arrivals before 1000 ms; a token is back at 500 ms
    // One that takes at least 400 ms to arrive may go at 600 ms.
    const next = window.acquire(undefined, 400).then(() => Date.now() - t0);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await next).toBe(600);
  });

  it('rejects nonsense rates, when the client is created', () => {
    expect(() => new QuotaWindow(0)).toThrow(RangeError);
    expect(() => new QuotaWindow(5, 0.5)).toThrow(RangeError);
    expect(() => new QuotaWindow(5, 6)).toThrow('burst: expected a number from 1 to requestsPerSecond (5), received 6');
    expect(() => createIotTaskClient({ region: 'cn-shanghai', quota: { requestsPerSecond: -1 } })).toThrow(
      'requestsPerSecond: expected a positive number, received -1',
    );
  });

  it('serves waiters in FIFO order; an aborted head lets the next go', async () => {
    const window = new QuotaWindow(200, 1);
    const order: number[] = [];
    await window.acquire();
    const controller = new AbortController();
    const head = window.acquire(controller.signal).catch(() => order.push(0));
    const waits = [1, 2, 3].map((n) => window.acquire().then(() => order.push(n)));
    expect(window.pending).toBe(4);
    controller.abort();
    await settle(Promise.all([head, ...waits]));
    expect(window.pending).toBe(0);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('a quota store', () => {
  it('is asked for every attempt with the account, the API, its rate and lease; its place is given back', async () => {
    const asked: unknown[] = [];
    const given: (number | undefined)[] = [];
    const store: QuotaStore = {
      options: { account: 'acme-prod' },
      async acquire(request, signal) {
        asked.push({ ...request, aborted: signal.aborted });
        return { done: (since) => given.push(since) } satisfies QuotaSlot;
      },
    };
    const c = createIotTaskClient({ ...base, fetch: overPath(() => [40, 40]), quota: store, attemptTimeoutMs: 4000 });
    for (let i = 0; i < 5; i++) await settle(c.queryTask({ TaskId: TASK_ID }));
    expect(asked).toEqual([
      {
        account: 'acme-prod',
        api: 'Iot20180120/QueryTask',
        requestsPerSecond: 5,
        burst: 4,
        earliestArrivalMs: 0,
        leaseMs: 4000,
        aborted: false,
      },
      // 60% of one way of the shortest trip (80 ms), less 2 ms and the trips' spread (none), once
      // four trips have been seen.
      expect.objectContaining({ earliestArrivalMs: 0 }),
      expect.objectContaining({ earliestArrivalMs: 0 }),
      expect.objectContaining({ earliestArrivalMs: 0 }),
      expect.objectContaining({ earliestArrivalMs: 22 }),
    ]);
    expect(given).toEqual([0, 0, 0, 22, 22]);
  });

  it("that fails makes the call fail with the store's error, unsent", async () => {
    const { QuotaStoreError } = await import('../src/index.ts');
    const store: QuotaStore = {
      options: {},
      acquire: () =>
        Promise.reject(
          new QuotaStoreError({ code: 'QuotaStoreUnavailable', message: 'no', retryable: false, store: 'redis://x' }),
        ),
    };
    const c = createIotTaskClient({ ...base, quota: store });
    await expect(settle(c.queryTask({ TaskId: TASK_ID }))).rejects.toMatchObject({
      kind: 'quota-store',
      code: 'QuotaStoreUnavailable',
      store: 'redis://x',
    });
    expect(gateway.seen).toHaveLength(0);
  });
});
