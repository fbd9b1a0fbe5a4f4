import { actions } from '@iot-task/spec';
import { fakeClockEachTest, settle } from '@iot-task/test-support/fakeTime';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { transportOf } from '../src/clientTransport.ts';
import {
  AbortedError,
  BusinessError,
  createIotTaskClient,
  GatewayError,
  HookError,
  type IotTaskClientOptions,
  IotTaskError,
  NetworkError,
  ResponseParseError,
  type RetryEvent,
  TimeoutError,
  ValidationError,
} from '../src/index.ts';
import {
  ACCESS_KEY,
  BASE_URL,
  businessError,
  delayed,
  fakeGateway,
  gatewayError,
  networkError,
  ok,
  raw,
  TASK_ID,
  taskData,
} from './support/fakeGateway.ts';
import { warmLazyModules } from './support/warmLazyModules.ts';

const gateway = fakeGateway();
afterEach(() => {
  gateway.seen.length = 0;
  gateway.setFallback(ok());
});
fakeClockEachTest({ warm: warmLazyModules });

function client(options: IotTaskClientOptions = {}) {
  return createIotTaskClient({
    region: 'cn-shanghai',
    credentials: ACCESS_KEY,
    fetch: gateway.fetch,
    quota: false,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<IotTaskError> {
  const error = await settle(promise).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IotTaskError)) throw new Error(`expected an IotTaskError, got ${String(error)}`);
  return error;
}

describe('typed errors', () => {
  it('gateway error: code, message, RequestId, HTTP status, HostId, Recommend', async () => {
    gateway.setFallback(gatewayError(403, 'Forbidden.RAM', 'User not authorized'));
    const error = await failure(client().queryTask({ TaskId: TASK_ID }));
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      kind: 'gateway',
      code: 'Forbidden.RAM',
      message: 'User not authorized',
      requestId: 'req-Forbidden.RAM',
      httpStatus: 403,
      retryable: false,
      hostId: 'iot.cn-shanghai.aliyuncs.com',
    });
    expect(gateway.seen).toHaveLength(1);
  });

  it('gateway error as XML (<Error>) reads the same', async () => {
    gateway.setFallback(
      raw(
        404,
        '<?xml version="1.0"?><Error><RequestId>R-3</RequestId><HostId>iot.aliyuncs.com</HostId><Code>InvalidAccessKeyId.NotFound</Code><Message>Specified access key is not found.</Message></Error>',
        'text/xml;charset=utf-8',
      ),
    );
    expect(await failure(client().queryTask({ TaskId: TASK_ID }))).toMatchObject({
      kind: 'gateway',
      code: 'InvalidAccessKeyId.NotFound',
      requestId: 'R-3',
      httpStatus: 404,
      retryable: false,
    });
  });

  it('a gateway error without Code (as captured from IoT) gets HTTP<status> as its code', async () => {
    gateway.setFallback(
      raw(400, '{"RequestId":"R-9","Message":"Specified signature nonce was used already."}', 'application/json'),
    );
    expect(await failure(client({ retry: false }).queryTask({ TaskId: TASK_ID }))).toMatchObject({
      code: 'HTTP400',
      requestId: 'R-9',
      message: 'Specified signature nonce was used already.',
    });
  });

  it('business error (HTTP 200, Success false) is thrown, not returned', async () => {
    gateway.setFallback(businessError('iot.system.InstanceNotFound', 'instance does not exist'));
    const error = await failure(client().queryTask({ TaskId: TASK_ID }));
    expect(error).toBeInstanceOf(BusinessError);
    expect(error).toMatchObject({
      code: 'iot.system.InstanceNotFound',
      httpStatus: 200,
      requestId: 'req-business',
      retryable: false,
    });
  });

  it('HTML 502 page: ResponseParseError with a snippet, retryable', async () => {
    gateway.setFallback(raw(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html'));
    const error = await failure(client({ retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toBeInstanceOf(ResponseParseError);
    expect(error).toMatchObject({
      httpStatus: 502,
      retryable: true,
      bodySnippet: expect.stringContaining('502 Bad Gateway'),
    });
  });

  it('a long page: its snippet is the first 200 characters, signed call or not', async () => {
    const page = `<html><body>${'x'.repeat(5000)}</body></html>`;
    const answer: typeof fetch = async () =>
      new Response(page, { status: 502, headers: { 'content-type': 'text/html' } });
    for (const signatureVersion of ['v3', 'none'] as const) {
      const error = await failure(
        client({ retry: false, signatureVersion, endpoint: BASE_URL, fetch: answer }).queryTask({ TaskId: TASK_ID }),
      );
      expect(error).toMatchObject({ kind: 'parse', httpStatus: 502, bodySnippet: `${page.slice(0, 200)}…` });
    }
  });

  it('truncated JSON: ResponseParseError', async () => {
    gateway.setFallback(raw(200, '{"RequestId":"R","Success":true,"Data":{"Sta', 'application/json'));
    expect(await failure(client({ retry: false }).queryTask({ TaskId: TASK_ID }))).toMatchObject({
      kind: 'parse',
      httpStatus: 200,
    });
  });

  it('a RequestId that no HTTP header could carry is drift: the spec says visible ASCII (it travels in x-acs-request-id too)', async () => {
    gateway.setFallback(
      raw(
        200,
        JSON.stringify({ RequestId: 'ĀĀ-作业', Success: true, Data: taskData({ TaskId: 'x', Status: 'SENT' }) }),
        'application/json',
      ),
    );
    const error = await failure(client().queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'drift', retryable: false });
    expect(error.message).toContain('RequestId: expected a string matching ^[!-~]+$');
  });

  it('network error: NetworkError, retryable', async () => {
    gateway.setFallback(networkError);
    const error = await failure(client({ retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.retryable).toBe(true);
  });

  it('call deadline: TimeoutError code Timeout, not retried further', async () => {
    gateway.setFallback(delayed(500, ok()));
    const started = performance.now();
    let endedAfter = -1;
    const call = client({ timeoutMs: 100 })
      .queryTask({ TaskId: TASK_ID })
      .finally(() => {
        endedAfter = performance.now() - started;
      });
    const error = await failure(call);
    expect(endedAfter).toBe(100);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'Timeout', retryable: false });
    expect(gateway.seen).toHaveLength(1);
  });
});

describe('deadlines hold whatever the transport does', () => {
  it('an injected fetch that ignores its signal and never settles: TimeoutError at the deadline', async () => {
    const ignoring: typeof fetch = () => new Promise<Response>(() => undefined);
    const started = performance.now();
    const error = await failure(
      client({ fetch: ignoring, retry: false, timeoutMs: 300 }).queryTask({ TaskId: TASK_ID }),
    );
    expect(performance.now() - started).toBe(300);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ code: 'Timeout' });
  });

  it('a body that never ends (headers came): the attempt times out, is retried, and the call ends at its deadline', async () => {
    let sent = 0;
    const endless: typeof fetch = async () => {
      sent++;
      return new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined) }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const started = performance.now();
    const error = await failure(
      client({ fetch: endless, attemptTimeoutMs: 100, timeoutMs: 250 }).queryTask({ TaskId: TASK_ID }),
    );
    expect(performance.now() - started).toBe(250);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(sent).toBeGreaterThanOrEqual(2);
  });

  it('a caller abort ends a call whose fetch ignores the signal', async () => {
    const controller = new AbortController();
    const call = client({ fetch: () => new Promise<Response>(() => undefined), retry: false }).queryTask(
      { TaskId: TASK_ID },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    expect(await failure(call)).toBeInstanceOf(AbortedError);
  });
});

describe('retries', () => {
  const retryable: [string, ReturnType<typeof ok>][] = [
    ['Throttling.User (400)', gatewayError(400, 'Throttling.User')],
    ['InternalError (500)', gatewayError(500, 'InternalError')],
    ['ServiceUnavailable (503)', gatewayError(503, 'ServiceUnavailable')],
    ['iot.system.SystemException (business)', businessError('iot.system.SystemException')],
    ['a network error', networkError],
    ['an HTML 502', raw(502, '<html>bad gateway</html>', 'text/html')],
  ];
  for (const [name, reply] of retryable) {
    it(`retries after ${name}, re-signed with a fresh nonce and timestamp`, async () => {
      gateway.reply(reply);
      const retries: RetryEvent[] = [];
      const { Data: task } = await settle(
        client({ hooks: { onRetry: (e) => retries.push(e) } }).queryTask({ TaskId: TASK_ID }),
      );
      expect(task.Status).toBe('SUCCEEDED');
      expect(gateway.seen).toHaveLength(2);
      expect(gateway.seen[0]?.nonce).not.toBe(gateway.seen[1]?.nonce);
      expect(retries).toHaveLength(1);
      expect(retries[0]?.error.retryable).toBe(true);
    });
  }

  it('an attempt that times out is retried', async () => {
    gateway.reply(delayed(300, ok()));
    const started = performance.now();
    const { Data: task } = await settle(client({ attemptTimeoutMs: 50 }).queryTask({ TaskId: TASK_ID }));
    expect(gateway.seen[1]?.at).toBeGreaterThanOrEqual(started + 50);
    expect(task.TaskId).toBe(TASK_ID);
    expect(gateway.seen).toHaveLength(2);
  });

  it('HTTP 429, whatever its body says, is retried after the Retry-After the server asked for', async () => {
    gateway.reply(
      raw(429, '{"RequestId":"R-429","Code":"TooManyRequests","Message":"slow down"}', 'application/json', {
        'retry-after': '2',
      }),
    );
    const started = performance.now();
    const { Data: task } = await settle(client({ timeoutMs: 10_000 }).queryTask({ TaskId: TASK_ID }));
    expect(task.TaskId).toBe(TASK_ID);
    expect(gateway.seen.map((s) => s.at - started)).toEqual([0, 2000]);
  });

  it('HTTP 503 with a Retry-After date waits until then', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    gateway.reply(
      raw(503, '{"RequestId":"R","Code":"ServiceUnavailable","Message":"m"}', 'application/json', {
        'retry-after': at,
      }),
    );
    const started = performance.now();
    await settle(client({ timeoutMs: 10_000 }).queryTask({ TaskId: TASK_ID }));
    const second = (gateway.seen[1]?.at ?? 0) - started;
    expect(second).toBeGreaterThan(2000);
    expect(second).toBeLessThanOrEqual(3000);
  });

  it('a Retry-After past the call deadline: the error now, not a wait that cannot end in time', async () => {
    gateway.reply(
      raw(429, '{"RequestId":"R","Code":"Throttling.User","Message":"m"}', 'application/json', { 'retry-after': '60' }),
    );
    const error = await failure(client({ timeoutMs: 5000 }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ code: 'Throttling.User', httpStatus: 429, retryAfterMs: 60_000 });
    expect(gateway.seen).toHaveLength(1);
  });

  it('does not retry what will fail again (SignatureDoesNotMatch, Forbidden.RAM, business errors)', async () => {
    gateway.reply(
      gatewayError(400, 'SignatureDoesNotMatch'),
      gatewayError(403, 'Forbidden.RAM'),
      businessError('iot.job.TaskNotFound'),
    );
    const c = client();
    for (let i = 0; i < 3; i++) await failure(c.queryTask({ TaskId: TASK_ID }));
    expect(gateway.seen).toHaveLength(3);
  });

  it('stops after maxAttempts and throws the last error', async () => {
    gateway.setFallback(gatewayError(503, 'ServiceUnavailable'));
    expect(await failure(client().queryTask({ TaskId: TASK_ID }))).toMatchObject({ code: 'ServiceUnavailable' });
    expect(gateway.seen).toHaveLength(3);
  });

  it('retry: false sends once', async () => {
    gateway.setFallback(gatewayError(503, 'ServiceUnavailable'));
    await failure(client({ retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(gateway.seen).toHaveLength(1);
  });
});

describe('actions that change something (x-acs-operation-type: write)', () => {
  // No write action is in the spec yet; its descriptor is QueryTask's, marked write.
  const writeAction = { ...actions.QueryTask, operationType: 'write' } as const;
  const call = (c: ReturnType<typeof client>) => transportOf(c)(writeAction, { TaskId: TASK_ID });

  it('are not sent again after an answer that may come after the change (503, timeout-free 5xx)', async () => {
    gateway.setFallback(gatewayError(503, 'ServiceUnavailable'));
    expect(await failure(call(client()))).toMatchObject({ code: 'ServiceUnavailable', retryable: true });
    expect(gateway.seen).toHaveLength(1);
  });

  it('are sent again when the gateway throttled them: it acted on nothing', async () => {
    gateway.reply(gatewayError(400, 'Throttling.User'), ok());
    await settle(call(client()));
    expect(gateway.seen).toHaveLength(2);
  });
});

/** A client whose one hook throws `thrown`. */
function throwingHook(hook: 'onRequest' | 'onResponse' | 'onRetry', thrown: unknown) {
  return client({
    hooks: {
      [hook]: () => {
        throw thrown;
      },
    },
  });
}

describe("the caller's own hooks", () => {
  it('a hook that throws ends the call with a HookError naming it (its error as the cause), never retried', async () => {
    const boom = new Error('boom');
    for (const hook of ['onRequest', 'onResponse'] as const) {
      gateway.seen.length = 0;
      const error = await failure(throwingHook(hook, boom).queryTask({ TaskId: TASK_ID }));
      expect(error).toBeInstanceOf(HookError);
      expect(error).toMatchObject({ kind: 'hook', hook, code: 'HookFailed', retryable: false, cause: boom });
      expect(error.message).toBe(`the ${hook} hook threw: boom`);
      expect(gateway.seen.length).toBeLessThanOrEqual(1);
    }
    gateway.seen.length = 0;
    gateway.reply(gatewayError(503, 'ServiceUnavailable'));
    const retry = await failure(throwingHook('onRetry', boom).queryTask({ TaskId: TASK_ID }));
    expect(retry).toMatchObject({ kind: 'hook', hook: 'onRetry' });
    expect(gateway.seen).toHaveLength(1);
  });
});

describe('whatever the caller throws, or hands over, ends in the right typed error', () => {
  const unprintable = [
    Object.create(null),
    {
      toString: () => {
        throw new Error('no');
      },
    },
  ];

  it('a hook that throws something with no text still ends in HookError', async () => {
    for (const thrown of unprintable) {
      for (const hook of ['onRequest', 'onResponse'] as const) {
        const error = await failure(throwingHook(hook, thrown).queryTask({ TaskId: TASK_ID }));
        expect(error).toMatchObject({
          kind: 'hook',
          hook,
          message: `the ${hook} hook threw: a value that cannot be shown as text`,
        });
      }
    }
  });

  it('an async hook that rejects neither fails the call nor goes unhandled: it is reported', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = await settle(
        client({ hooks: { onResponse: async () => Promise.reject(new Error('later')) } }).queryTask({
          TaskId: TASK_ID,
        }),
      );
      expect(result.Data.TaskId).toBe(TASK_ID);
      await settle(Promise.resolve());
      expect(warn).toHaveBeenCalledWith(
        "iot-task: the onResponse hook's promise rejected (hooks are not awaited): later",
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('params or options that cannot be read (a revoked Proxy, a throwing getter or ownKeys trap): ValidationError naming them, nothing sent', async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const getter = Object.defineProperty({}, 'TaskId', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    const keys = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const cases: [unknown, unknown, RegExp][] = [
      [revoked.proxy, undefined, /^params: expected an object with TaskId.*received a revoked Proxy/],
      [
        getter,
        undefined,
        /^params: expected an object whose properties can be read, received one whose TaskId threw when read \(boom\)/,
      ],
      [keys, undefined, /^params: expected an object whose properties can be read, received one that cannot be read/],
      [{ TaskId: TASK_ID }, revoked.proxy, /^options: expected an object of options.*received a revoked Proxy/],
      [
        { TaskId: TASK_ID },
        Object.defineProperty({}, 'timeoutMs', {
          enumerable: true,
          get: () => {
            throw new Error('x');
          },
        }),
        /^options: expected an object whose properties can be read, received one whose timeoutMs threw/,
      ],
    ];
    for (const [params, options, message] of cases) {
      const error = await failure(client().queryTask(params as never, options as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
    }
    expect(gateway.seen).toHaveLength(0);
  });

  it('credentials whose getter throws: CredentialsError, nothing sent', async () => {
    const credentials = {
      accessKeyId: 'k',
      get accessKeySecret(): string {
        throw new Error('vault sealed');
      },
    };
    const error = await failure(client({ credentials }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({
      kind: 'credentials',
      code: 'InvalidCredentials',
      message: 'credentials: reading them threw: vault sealed',
    });
    expect(gateway.seen).toHaveLength(0);
  });

  it('a fetch that rejects with something that is not an Error: NetworkError', async () => {
    const error = await failure(
      client({ fetch: () => Promise.reject(Object.create(null)), retry: false }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({
      kind: 'network',
      message: 'QueryTask failed before an answer: a value that cannot be shown as text',
    });
  });

  it("parameters are the caller's own properties: an inherited one (or a polluted Object.prototype) is never sent", async () => {
    const params = Object.assign(Object.create({ IotInstanceId: 'inherited' }) as object, { TaskId: TASK_ID });
    await settle(client().queryTask(params as { TaskId: string }));
    expect(gateway.seen[0]?.params).not.toHaveProperty('IotInstanceId');
    expect(gateway.seen[0]?.url.searchParams.has('IotInstanceId')).toBe(false);
  });
});

describe('abort', () => {
  it('aborting cancels in-flight work with AbortedError', async () => {
    gateway.setFallback(delayed(2000, ok()));
    const controller = new AbortController();
    const pending = client().queryTask({ TaskId: TASK_ID }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user left')), 30);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error.cause as Error).message).toBe('user left');
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await failure(client().queryTask({ TaskId: TASK_ID }, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(gateway.seen).toHaveLength(0);
  });

  it('aborting during a backoff wait stops the retries', async () => {
    gateway.setFallback(gatewayError(503, 'ServiceUnavailable'));
    const controller = new AbortController();
    const c = client({
      retry: { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
      hooks: { onRetry: () => controller.abort() },
    });
    expect((await failure(c.queryTask({ TaskId: TASK_ID }, { signal: controller.signal }))).kind).toBe('aborted');
    expect(gateway.seen).toHaveLength(1);
  });
});
