import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIotTaskClient, type DriftEvent, ResponseDriftError, ValidationError } from '../src/index.ts';
import { ACCESS_KEY, fakeGateway, ok, raw, TASK_ID, taskData } from './support/fakeGateway.ts';

const gateway = fakeGateway();
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
});
afterAll(() => server.close());

const client = createIotTaskClient({ region: 'cn-shanghai', credentials: ACCESS_KEY, quota: false });

describe('careless options: a ValidationError naming the option, before anything is sent', () => {
  it('a misspelled or unknown option is named, with the one meant', () => {
    expect(() => createIotTaskClient({ region: 'cn-shanghai', timeoutMS: 5 } as never)).toThrow(
      'timeoutMS: expected no such option; did you mean timeoutMs?',
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', retries: 3 } as never)).toThrow(
      /^retries: expected no such option; the client takes region, endpoint, credentials/,
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', timeoutMS: undefined } as never)).not.toThrow();
  });

  const base = { region: 'cn-shanghai', credentials: ACCESS_KEY } as const;
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a timeout a timer cannot wait',
      { timeoutMs: 2 ** 31 },
      'timeoutMs: expected a number of milliseconds, more than 0 and at most 2147483647, received 2147483648',
    ],
    [
      'an attempt timeout of a month',
      { attemptTimeoutMs: 3e9 },
      'attemptTimeoutMs: expected a number of milliseconds, more than 0 and at most 2147483647, received 3000000000',
    ],
    [
      'a timeout given as a string',
      { timeoutMs: '5' },
      'timeoutMs: expected a number of milliseconds, more than 0 and at most 2147483647, received "5"',
    ],
    [
      'no attempts at all',
      { retry: { maxAttempts: 0 } },
      'retry.maxAttempts: expected an integer from 1 to 100, received 0',
    ],
    [
      'a negative backoff',
      { retry: { baseDelayMs: -1 } },
      'retry.baseDelayMs: expected a number of milliseconds, at least 0 and at most 2147483647, received -1',
    ],
    ['retry: null', { retry: null }, 'retry: expected an object of options (or nothing), received null'],
    ["retry: 'no'", { retry: 'no' }, 'retry: expected an object of options (or nothing), received "no"'],
    ["quota: 'x'", { quota: 'x' }, 'quota: expected an object of options (or nothing), received "x"'],
    [
      'a quota account that is not a string',
      { quota: { account: 7 } },
      'quota.account: expected a non-empty string, received 7',
    ],
    [
      "a quota store's options that are not an object",
      { quota: { acquire: () => undefined, options: 'x' } },
      'quota.options: expected an object of options (or nothing), received "x"',
    ],
    ["hooks: 'x'", { hooks: 'x' }, 'hooks: expected an object of options (or nothing), received "x"'],
    [
      'a hook that is not a function',
      { hooks: { onRequest: true } },
      'hooks.onRequest: expected a function (or nothing), received true',
    ],
    [
      'a fetch that is not a function',
      { fetch: 'notafunction' },
      'fetch: expected a function (or nothing), received "notafunction"',
    ],
    [
      'a body cap that is not a whole number',
      { maxResponseBytes: 1.5 },
      'maxResponseBytes: expected an integer from 1 to 1073741824, received 1.5',
    ],
  ];
  it.each(cases)('%s', (_name, options, message) => {
    const error = (() => {
      try {
        createIotTaskClient({ ...base, ...options } as never);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(message);
  });

  it('call options: null, a signal that is not one, a timeout past what a timer takes', async () => {
    const c = createIotTaskClient({ ...base, quota: false });
    await expect(c.queryTask({ TaskId: TASK_ID }, null as never)).rejects.toThrow(
      'options: expected an object of options (or nothing), received null',
    );
    await expect(c.queryTask({ TaskId: TASK_ID }, { signal: 'x' as never })).rejects.toThrow(
      'options.signal: expected an AbortSignal (or nothing), received "x"',
    );
    await expect(c.queryTask({ TaskId: TASK_ID }, { timeoutMs: 1e10 })).rejects.toThrow(
      'options.timeoutMs: expected a number of milliseconds, more than 0 and at most 2147483647, received 10000000000',
    );
    await expect(c.waitForTask(TASK_ID, { timeoutMs: 30 * 86_400_000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(c.waitForTask(TASK_ID, { onProgress: 'x' as never })).rejects.toThrow(
      'onProgress: expected a function (or nothing), received "x"',
    );
    expect(gateway.seen).toHaveLength(0);
  });
});

describe('input validation, before any network call', () => {
  const cases: [string, unknown, string, string][] = [
    ['missing TaskId', {}, 'TaskId', 'a value (required)'],
    ['empty TaskId', { TaskId: '' }, 'TaskId', 'a non-empty string (not only whitespace)'],
    ['whitespace TaskId', { TaskId: ' \t ' }, 'TaskId', 'a non-empty string (not only whitespace)'],
    ['numeric TaskId', { TaskId: 12345 }, 'TaskId', 'a string'],
    ['null TaskId', { TaskId: null }, 'TaskId', 'a string'],
    ['absurdly long TaskId', { TaskId: 'x'.repeat(129) }, 'TaskId', 'at most 128 characters'],
    ['control character', { TaskId: 'abc\u0000def' }, 'TaskId', 'a string without control characters'],
    ['newline', { TaskId: 'abc\ndef' }, 'TaskId', 'a string without control characters'],
    ['lone surrogate', { TaskId: 'abc\ud800' }, 'TaskId', 'well-formed Unicode (no lone surrogate)'],
    [
      'malformed IotInstanceId',
      { TaskId: TASK_ID, IotInstanceId: 'iot cn/0pp' },
      'IotInstanceId',
      'a string matching ^[A-Za-z0-9_*-]+$',
    ],
    [
      'unknown parameter',
      { TaskId: TASK_ID, JobId: 'j' },
      'JobId',
      'no such parameter; QueryTask takes TaskId, IotInstanceId',
    ],
    ['not an object', 'MSnT9', 'params', 'an object with TaskId, IotInstanceId'],
  ];
  for (const [name, params, field, expected] of cases) {
    it(`${name} → ValidationError naming ${field}`, async () => {
      const error = await client.queryTask(params as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ field, expected, kind: 'validation', retryable: false });
      expect(gateway.seen).toHaveLength(0);
    });
  }

  it('128 characters is still fine', async () => {
    await client.queryTask({ TaskId: 'x'.repeat(128) });
    expect(gateway.seen).toHaveLength(1);
  });

  it('configuration mistakes are named too: unknown region, bad endpoint, bad timeout, bad method', () => {
    expect(() => createIotTaskClient({ region: 'mars-north-1' })).toThrow(ValidationError);
    expect(() => createIotTaskClient({ region: 'mars-north-1' })).toThrow(
      /^region: expected a region where Iot 2018-01-20 has an endpoint \(ap-northeast-1, /,
    );
    expect(() => createIotTaskClient({ endpoint: 'ftp://x' })).toThrow(
      /^endpoint: expected a host or an http\(s\) URL/,
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', timeoutMs: -1 })).toThrow(
      'timeoutMs: expected a number of milliseconds, more than 0 and at most 2147483647, received -1',
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', method: 'PUT' as never })).toThrow(
      /^method: expected one of GET, POST/,
    );
    expect(() => createIotTaskClient({})).toThrow(
      /^region: expected a region such as "cn-shanghai", or an explicit endpoint/,
    );
  });
});

describe('runtime response validation: on by default, so no value contradicts its type', () => {
  const issuesOf = async (reply: Parameters<typeof gateway.reply>[0], c = client) => {
    gateway.reply(reply);
    const error = await c.queryTask({ TaskId: TASK_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseDriftError);
    return error as ResponseDriftError;
  };

  it('a Progress of the wrong type: ResponseDriftError naming the field and carrying the RequestId', async () => {
    const error = await issuesOf(ok({ Progress: { value: 80 } }));
    expect(error).toMatchObject({
      kind: 'drift',
      code: 'ResponseDrift',
      retryable: false,
      requestId: '512FF8FD-A97F-4AAF-B0A2-7BE3D3A19BB3',
    });
    expect(error.issues).toEqual([{ path: 'Data.Progress', expected: 'integer', received: '{"value": 80}' }]);
  });

  it('a missing required field and a wrong type are both reported', async () => {
    const error = await issuesOf(ok({ TaskId: undefined, Progress: 180 }));
    expect(error.issues.map((i) => i.path).sort()).toEqual(['Data.Progress', 'Data.TaskId']);
  });

  it('no Data, or no RequestId: ResponseDriftError, not undefined', async () => {
    const noData = await issuesOf(raw(200, JSON.stringify({ RequestId: 'R-1', Success: true }), 'application/json'));
    expect(noData).toMatchObject({ requestId: 'R-1', issues: [{ path: 'Data', expected: 'present (required)' }] });
    const noRequestId = await issuesOf(
      raw(200, JSON.stringify({ Success: true, Data: taskData() }), 'application/json'),
    );
    expect(noRequestId.issues.map((i) => i.path)).toEqual(['RequestId']);
  });

  it('a time that is not one (UtcModified: "yesterday")', async () => {
    const error = await issuesOf(ok({ UtcModified: 'yesterday' }));
    expect(error.issues[0]).toMatchObject({ path: 'Data.UtcModified', received: '"yesterday"' });
  });

  it('a deeply nested value costs nothing more and cannot overflow the stack', async () => {
    let deep = '1';
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`;
    const error = await issuesOf(
      raw(
        200,
        `{"RequestId":"R","Success":true,"Data":${JSON.stringify(taskData()).replace(/"Progress":\d+/, `"Progress":${deep}`)}}`,
        'application/json',
      ),
    );
    expect(error.issues).toEqual([{ path: 'Data.Progress', expected: 'integer', received: '[[[…]]]' }]);
  });

  it('a status the spec does not list yet is returned as it came (an open union), not refused', async () => {
    gateway.reply(ok({ Status: 'REMOVED' }));
    expect((await client.queryTask({ TaskId: TASK_ID })).Data.Status).toBe('REMOVED');
  });

  it("'warn': the result is returned and the drift reported to onDrift", async () => {
    gateway.reply(ok({ Progress: 'lots' }));
    const events: DriftEvent[] = [];
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'warn',
      hooks: { onDrift: (e) => events.push(e) },
    });
    expect((await c.queryTask({ TaskId: TASK_ID })).Data.Progress).toBe('lots');
    expect(events[0]?.issues[0]?.path).toBe('Data.Progress');
  });

  it("'off': returned as it came, but a result still needs its RequestId and Success", async () => {
    const off = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'off',
    });
    gateway.reply(ok({ Progress: 'lots' }));
    expect((await off.queryTask({ TaskId: TASK_ID })).Data.Progress).toBe('lots');
    await issuesOf(raw(200, JSON.stringify({ Success: true, Data: {} }), 'application/json'), off);
    await issuesOf(raw(200, JSON.stringify({ RequestId: 'R', Data: {} }), 'application/json'), off);
  });

  it('a spec-valid response passes', async () => {
    expect((await client.queryTask({ TaskId: TASK_ID })).Data.Progress).toBe(80);
  });
});
