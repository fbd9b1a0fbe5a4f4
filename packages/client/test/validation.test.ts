import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIotTaskClient, type DriftEvent, ResponseDriftError, ValidationError } from '../src/index.ts';
import { ACCESS_KEY, fakeGateway, ok, TASK_ID } from './support/fakeGateway.ts';

const gateway = fakeGateway();
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
});
afterAll(() => server.close());

const client = createIotTaskClient({ region: 'cn-shanghai', credentials: ACCESS_KEY, quota: false });

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
      /^region: expected a region with IoT Platform/,
    );
    expect(() => createIotTaskClient({ endpoint: 'ftp://x' })).toThrow(
      /^endpoint: expected a host or an http\(s\) URL/,
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', timeoutMs: -1 })).toThrow(
      /^timeoutMs: expected a positive number/,
    );
    expect(() => createIotTaskClient({ region: 'cn-shanghai', method: 'PUT' as never })).toThrow(
      /^method: expected one of GET, POST/,
    );
    expect(() => createIotTaskClient({})).toThrow(
      /^region: expected a region such as "cn-shanghai", or an explicit endpoint/,
    );
  });
});

describe('runtime response validation (drift)', () => {
  it("'error': a response that breaks the spec throws ResponseDriftError naming the field", async () => {
    gateway.reply(ok({ Status: 'DONE' }));
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'error',
    });
    const error = await c.queryTask({ TaskId: TASK_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseDriftError);
    expect((error as ResponseDriftError).issues).toEqual([
      {
        path: 'Data.Status',
        expected: 'one of QUEUED, SENT, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, TIMED_OUT, CANCELLED',
        received: '"DONE"',
      },
    ]);
    expect((error as Error).message).toContain('Data.Status: expected one of QUEUED');
  });

  it("'error': a missing required field and a wrong type are both reported", async () => {
    gateway.reply(ok({ TaskId: undefined, Progress: 180 }));
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'error',
    });
    const error = (await c.queryTask({ TaskId: TASK_ID }).catch((e: unknown) => e)) as ResponseDriftError;
    expect(error.issues.map((i) => i.path).sort()).toEqual(['Data.Progress', 'Data.TaskId']);
  });

  it("'warn': the result is returned and the drift reported to onDrift", async () => {
    gateway.reply(ok({ Status: 'DONE' }));
    const events: DriftEvent[] = [];
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'warn',
      hooks: { onDrift: (e) => events.push(e) },
    });
    expect((await c.queryTask({ TaskId: TASK_ID })).Status).toBe('DONE');
    expect(events[0]?.issues[0]?.path).toBe('Data.Status');
  });

  it("'off' (default): returned as is, no report", async () => {
    gateway.reply(ok({ Status: 'DONE' }));
    expect((await client.queryTask({ TaskId: TASK_ID })).Status).toBe('DONE');
  });

  it('a spec-valid response passes validation', async () => {
    const c = createIotTaskClient({
      region: 'cn-shanghai',
      credentials: ACCESS_KEY,
      quota: false,
      responseValidation: 'error',
    });
    expect((await c.queryTask({ TaskId: TASK_ID })).Progress).toBe(80);
  });
});
