import { createIotTaskClient } from '@iot-task/client';
import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import { describe, expect, it } from 'vitest';
import {
  createIotMock,
  EXAMPLE_TASK_ID,
  type IotMock,
  IotMockOptionError,
  type IotMockOptions,
  TEST_CREDENTIALS,
} from '../src/index.ts';
import { SlidingWindow } from '../src/slidingWindow.ts';

// The mock's clock is a plain variable each test moves: arrival times are exact, on any machine.
const BASE = 'https://iot.cn-shanghai.aliyuncs.com/';
const T0 = Date.parse('2026-11-26T00:00:00Z');

function clocked(options: IotMockOptions = {}) {
  const clock = { now: T0 };
  const mock = createIotMock({ now: () => clock.now, ...options });
  return { mock, clock };
}

/** An unsigned QueryTask claiming `accessKeyId`, answered in-process; resolves to its code (undefined: success). */
async function call(mock: IotMock, accessKeyId = 'AK1'): Promise<string | undefined> {
  const response = await mock.fetch(
    `${BASE}?Action=QueryTask&Version=2018-01-20&Format=JSON&TaskId=${EXAMPLE_TASK_ID}&AccessKeyId=${accessKeyId}`,
  );
  const body = (await response.json()) as { Code?: string };
  return body.Code;
}

/** Calls at each offset (ms after T0), in order; the codes answered. */
async function arrivals(mock: IotMock, clock: { now: number }, offsets: number[], accessKeyId = 'AK1') {
  const codes: (string | undefined)[] = [];
  for (const offset of offsets) {
    clock.now = T0 + offset;
    codes.push(await call(mock, accessKeyId));
  }
  return codes;
}

/** The most accepted arrivals within any half-open window of 1000 ms. */
function mostInOneSlidingSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while ((sorted[j] as number) - (sorted[i] as number) >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const accepted = (mock: IotMock) => mock.log.filter((e) => e.code !== 'Throttling.User').map((e) => e.at);

describe('the quota counted as a strict gateway does: a sliding second per account and API', () => {
  // Five at once, then one every 200 ms: a bucket of 5 refilling 5 a second allows all ten.
  const spread = [0, 0, 0, 0, 0, 200, 400, 600, 800, 1000];

  it('ten arrivals a token bucket allows, six of which fall in one sliding second: the sixth is throttled', async () => {
    const { mock, clock } = clocked();
    const codes = await arrivals(mock, clock, spread);
    expect(codes).toEqual([
      ...Array(5).fill(undefined),
      'Throttling.User',
      'Throttling.User',
      'Throttling.User',
      'Throttling.User',
      undefined,
    ]);
    expect(mostInOneSlidingSecond(accepted(mock))).toBe(5);
    expect(mock.log[5]).toMatchObject({ at: T0 + 200, account: 'AK1', code: 'Throttling.User', httpStatus: 400 });
  });

  it("counting: 'token-bucket' still counts as before: the same ten all pass, nine of them in one sliding second", async () => {
    const { mock, clock } = clocked({ quota: { counting: 'token-bucket' } });
    expect(await arrivals(mock, clock, spread)).toEqual(Array(10).fill(undefined));
    expect(mostInOneSlidingSecond(accepted(mock))).toBe(9);
  });

  it("the token bucket's burst is saved up and refills at the rate", async () => {
    const { mock, clock } = clocked({ quota: { counting: 'token-bucket', requestsPerSecond: 5, burst: 8 } });
    const codes = await arrivals(mock, clock, [...Array(9).fill(0), 100, 200, 300, 400]);
    expect(codes).toEqual([
      ...Array(8).fill(undefined),
      'Throttling.User',
      'Throttling.User',
      undefined,
      'Throttling.User',
      undefined,
    ]);
  });

  it('exactly 1000 ms apart is another second; 999 ms apart is the same one', async () => {
    const { mock, clock } = clocked({ quota: { requestsPerSecond: 1 } });
    expect(await arrivals(mock, clock, [0, 999, 1000, 1999, 2000])).toEqual([
      undefined,
      'Throttling.User',
      undefined,
      'Throttling.User',
      undefined,
    ]);
  });

  it('throttled requests do not count: a client hammering a full window gets in once the accepted ones leave it', async () => {
    const { mock, clock } = clocked({ quota: { requestsPerSecond: 2 } });
    expect(await arrivals(mock, clock, [0, 0, 1, 500, 998, 999, 1000, 1000, 1000])).toEqual([
      undefined,
      undefined,
      'Throttling.User',
      'Throttling.User',
      'Throttling.User',
      'Throttling.User',
      undefined,
      undefined,
      'Throttling.User',
    ]);
  });

  it("AccessKeys of one account share its window; another account's is its own", async () => {
    const { mock, clock } = clocked({ accounts: { AK1: 'acme', AK2: 'acme' } });
    const acme = [
      ...(await arrivals(mock, clock, [0, 0, 0], 'AK1')),
      ...(await arrivals(mock, clock, [0, 0, 0], 'AK2')),
    ];
    expect(acme).toEqual([...Array(5).fill(undefined), 'Throttling.User']);
    expect(await arrivals(mock, clock, [0, 0, 0, 0, 0, 0], 'AK3')).toEqual([
      ...Array(5).fill(undefined),
      'Throttling.User',
    ]);
    expect(mock.log.map((e) => e.account)).toEqual([...Array(6).fill('acme'), ...Array(6).fill('AK3')]);
    // Without `accounts`, each AccessKey is its own account.
    const { mock: apart, clock: apartClock } = clocked();
    const both = [
      ...(await arrivals(apart, apartClock, [0, 0, 0, 0, 0], 'AK1')),
      ...(await arrivals(apart, apartClock, [0, 0, 0, 0, 0], 'AK2')),
    ];
    expect(both).toEqual(Array(10).fill(undefined));
  });

  it('reset() empties every window', async () => {
    const { mock, clock } = clocked({ quota: { requestsPerSecond: 1 } });
    expect(await arrivals(mock, clock, [0, 0])).toEqual([undefined, 'Throttling.User']);
    mock.reset();
    expect(await arrivals(mock, clock, [0])).toEqual([undefined]);
  });
});

describe('accounts with signatures verified', () => {
  // The client loads its XML reader and drift checker on first use: load them on the real clock.
  fakeClockEachTest({
    warm: () =>
      createIotTaskClient({
        region: 'cn-shanghai',
        credentials: TEST_CREDENTIALS,
        quota: false,
        format: 'XML',
        responseValidation: 'error',
        fetch: createIotMock({ quota: false }).fetch,
      }).queryTask({ TaskId: EXAMPLE_TASK_ID }),
  });
  const credentials = { 'AK-ci': 'secret-ci', 'AK-dev': 'secret-dev', 'AK-other': 'secret-other' };

  it('RAM users of one account (verified AccessKeys) share the quota: 5 in a second between them', async () => {
    const mock = createIotMock({
      verifySignatures: true,
      credentials,
      accounts: { 'AK-ci': 'acme', 'AK-dev': 'acme' },
    });
    const clientOf = (accessKeyId: keyof typeof credentials) =>
      createIotTaskClient({
        region: 'cn-shanghai',
        credentials: { accessKeyId, accessKeySecret: credentials[accessKeyId] },
        quota: false,
        retry: false,
        fetch: mock.fetch,
      });
    const sent = (['AK-ci', 'AK-dev', 'AK-ci', 'AK-dev', 'AK-ci', 'AK-dev', 'AK-other'] as const).map((id) =>
      clientOf(id).queryTask({ TaskId: EXAMPLE_TASK_ID }),
    );
    const results = await settle(Promise.allSettled(sent));
    expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'Throttling.User',
      'ok',
    ]);
    expect(mock.log.map((e) => e.account)).toEqual([...Array(6).fill('acme'), 'AK-other']);
    expect(new Set(mock.log.map((e) => e.at)).size).toBe(1);
  });

  it('an account naming an AccessKey the mock does not know is refused, naming the field', () => {
    expect(() => createIotMock({ verifySignatures: true, credentials, accounts: { 'AK-nope': 'acme' } })).toThrow(
      new IotMockOptionError(
        'accounts["AK-nope"]',
        'an AccessKey ID of credentials (signatures are verified, so no request could carry another)',
        '"AK-nope"',
      ),
    );
    // Unverified, any AccessKey ID a request claims can be given an account.
    expect(() => createIotMock({ accounts: { 'AK-nope': 'acme' } })).not.toThrow();
  });
});

describe('bad options: an IotMockOptionError naming the field', () => {
  const cases: [IotMockOptions, string][] = [
    [
      { quota: { burst: 10 } },
      "quota.burst: expected nothing unless quota.counting is 'token-bucket' (a sliding window has no burst), received 10",
    ],
    [
      { quota: { counting: 'fixed' as 'token-bucket' } },
      `quota.counting: expected 'sliding-window' or 'token-bucket', received "fixed"`,
    ],
    [
      { quota: { requestsPerSecond: 0.5 } },
      'quota.requestsPerSecond: expected a number of at least 1 (a sliding second admits whole requests), received 0.5',
    ],
    [
      { quota: { counting: 'token-bucket', requestsPerSecond: 0 } },
      'quota.requestsPerSecond: expected a number above 0, received 0',
    ],
    [
      { quota: { counting: 'token-bucket', burst: Number.NaN } },
      'quota.burst: expected a number of at least 1, received NaN',
    ],
    [{ accounts: { AK1: '' } }, 'accounts["AK1"]: expected an account name (a non-empty string), received ""'],
    [{ logLimit: 0 }, 'logLimit: expected a whole number from 1 to 1000000, received 0'],
  ];
  for (const [options, message] of cases) {
    it(message, () => {
      let thrown: unknown;
      try {
        createIotMock(options);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IotMockOptionError);
      expect((thrown as Error).message).toBe(message);
      expect((thrown as IotMockOptionError).field).toBe(message.split(':')[0]);
    });
  }

  it('a token-bucket rate below 1 a second is allowed (one every few seconds)', () => {
    expect(() =>
      createIotMock({ quota: { counting: 'token-bucket', requestsPerSecond: 0.5, burst: 1 } }),
    ).not.toThrow();
  });
});

describe('the log: arrival times and accounts, in-process and on the control surface', () => {
  it('GET /__mock/log returns every entry with at, account and code', async () => {
    const { mock, clock } = clocked({ control: true, quota: { requestsPerSecond: 1 }, accounts: { AK1: 'acme' } });
    mock.faults.add('status:503', { times: 1 });
    await arrivals(mock, clock, [0, 10, 20, 1020]);
    const answer = await mock.fetch(`${BASE}__mock/log`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({
      limit: 10_000,
      dropped: 0,
      entries: [
        // A fault answers before the quota: counted against no account.
        {
          at: T0,
          account: null,
          action: 'QueryTask',
          taskId: EXAMPLE_TASK_ID,
          httpStatus: 503,
          code: 'ServiceUnavailable',
        },
        { at: T0 + 10, account: 'acme', action: 'QueryTask', taskId: EXAMPLE_TASK_ID, httpStatus: 200, code: null },
        {
          at: T0 + 20,
          account: 'acme',
          action: 'QueryTask',
          taskId: EXAMPLE_TASK_ID,
          httpStatus: 400,
          code: 'Throttling.User',
        },
        { at: T0 + 1020, account: 'acme', action: 'QueryTask', taskId: EXAMPLE_TASK_ID, httpStatus: 200, code: null },
      ],
    });
    // The control surface's rules hold for it: no other origin reads it.
    const crossSite = await mock.fetch(`${BASE}__mock/log`, { headers: { origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
  });

  it('keeps the last logLimit entries and says how many it dropped; reset empties it', async () => {
    const { mock, clock } = clocked({ control: true, quota: false, logLimit: 3 });
    await arrivals(mock, clock, [0, 1, 2, 3, 4]);
    expect(mock.log.map((e) => e.at - T0)).toEqual([2, 3, 4]);
    expect(mock.logDropped).toBe(2);
    expect(await (await mock.fetch(`${BASE}__mock/log`)).json()).toMatchObject({ limit: 3, dropped: 2 });
    mock.reset();
    expect(mock.log).toEqual([]);
    expect(mock.logDropped).toBe(0);
  });

  it('holds 1,000+ calls by default', async () => {
    const { mock, clock } = clocked({ quota: false });
    for (let i = 0; i < 1500; i++) {
      clock.now = T0 + i;
      await call(mock);
    }
    expect(mock.log).toHaveLength(1500);
    expect(mock.logLimit).toBe(10_000);
  });
});

describe('SlidingWindow', () => {
  it('keeps only the last second: per key at most the rate, and keys gone idle are forgotten', () => {
    const window = new SlidingWindow(3);
    for (let t = 0; t < 10_000; t += 7) window.tryTake(`key-${t % 50}`, t);
    expect(window.size).toBeLessThanOrEqual(50);
    for (let t = 20_000; t < 30_000; t += 100) window.tryTake(`fresh-${t}`, t);
    // Only keys with an arrival in the last second are held: ten, one every 100 ms.
    expect(window.size).toBe(10);
    expect(window.count('fresh-29900', 29_900)).toBe(1);
  });

  it('an arrival stamped earlier than the last (a clock that stepped back) is still counted in order', () => {
    const window = new SlidingWindow(2);
    expect(window.tryTake('k', 1000)).toBe(true);
    expect(window.tryTake('k', 500)).toBe(true);
    expect(window.tryTake('k', 1400)).toBe(false);
    expect(window.tryTake('k', 1500)).toBe(true);
    expect(window.count('k', 1500)).toBe(2);
  });
});
