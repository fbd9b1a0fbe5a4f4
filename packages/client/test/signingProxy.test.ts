import { settle } from '@iot-task/test-support/fakeTime';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createIotTaskClient,
  createSigningProxy,
  GatewayError,
  NetworkError,
  type SigningProxyOptions,
  ValidationError,
} from '../src/index.ts';
import { ACCESS_KEY, businessError, fakeGateway, gatewayError, ok, TASK_ID } from './support/fakeGateway.ts';

const gateway = fakeGateway();
const upstream = setupServer(gateway.handler);
beforeAll(() => upstream.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  gateway.seen.length = 0;
});
afterAll(() => upstream.close());

const proxy = createSigningProxy({ region: 'cn-shanghai', credentials: ACCESS_KEY, quota: false, retry: false });
/** A browser-side client: unsigned, talking to the proxy (here called directly as its fetch). */
const browser = createIotTaskClient({
  endpoint: 'https://app.example/api/iot',
  signatureVersion: 'none',
  quota: false,
  retry: false,
  credentials: () => {
    throw new Error('a browser client must never ask for credentials');
  },
  fetch: (input, init) => proxy(new Request(input, init)),
});

describe('browser client → signing proxy → service', () => {
  it('the browser sends no credential; the proxy signs and answers the typed task', async () => {
    const { Data: task } = await browser.queryTask({ TaskId: TASK_ID });
    expect(task).toMatchObject({ TaskId: TASK_ID, Status: 'SUCCEEDED', Progress: 80 });
    const [upstreamRequest] = gateway.seen;
    expect(upstreamRequest?.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=test-key-id,/);
  });

  it('the proxy sees only Action, Format and the parameters: no AccessKeyId, no Signature from the browser', async () => {
    const seen: string[] = [];
    const spy = createIotTaskClient({
      endpoint: 'https://app.example/api/iot',
      signatureVersion: 'none',
      quota: false,
      fetch: async (input, init) => {
        seen.push(String(input));
        return proxy(new Request(input, init));
      },
    });
    await spy.queryTask({ TaskId: TASK_ID });
    expect(seen).toEqual([`https://app.example/api/iot/?Action=QueryTask&Format=JSON&TaskId=MSnT9%2A%2A%2Aq010101`]);
  });

  it('forwards only allowed actions, and only their own parameters', async () => {
    const refused = await proxy(new Request('https://app.example/api/iot/?Action=DeleteJob&JobId=j'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ Code: 'Forbidden.Action' });
    expect(gateway.seen).toHaveLength(0);
    await proxy(
      new Request(
        `https://app.example/api/iot/?Action=QueryTask&TaskId=x&AccessKeyId=evil&Signature=forged&Version=1999`,
      ),
    );
    expect(gateway.seen[0]?.params).toEqual({ TaskId: 'x', Format: 'JSON' });
  });

  it('errors keep their shape and type through the proxy, with no credential in them', async () => {
    gateway.reply(businessError('iot.job.TaskNotFound', 'no such task'), gatewayError(400, 'Throttling.User'));
    await expect(browser.queryTask({ TaskId: TASK_ID })).rejects.toMatchObject({
      kind: 'business',
      code: 'iot.job.TaskNotFound',
    });
    await expect(browser.queryTask({ TaskId: TASK_ID })).rejects.toMatchObject({
      kind: 'gateway',
      code: 'Throttling.User',
      httpStatus: 400,
    });
    const noKeys = createSigningProxy({ region: 'cn-shanghai', credentials: { accessKeyId: '', accessKeySecret: '' } });
    const response = await noKeys(new Request('https://app.example/api/iot/?Action=QueryTask&TaskId=x'));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(ACCESS_KEY.accessKeySecret);
  });

  it('rejects bad input before going upstream', async () => {
    const response = await proxy(
      new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${'x'.repeat(200)}`),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ Code: 'InvalidTaskId' });
    expect(gateway.seen).toHaveLength(0);
  });
});

describe('the proxy never forwards a secret', () => {
  it("the gateway's string to sign (with the STS token) reaches the browser masked", async () => {
    const sts = createSigningProxy({
      region: 'cn-shanghai',
      credentials: { ...ACCESS_KEY, securityToken: 'STS.token-that-must-stay-home' },
      signatureVersion: 'v1',
      quota: false,
      retry: false,
    });
    gateway.reply(
      gatewayError(
        400,
        'SignatureDoesNotMatch',
        `Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Dtest-key-id%26SecurityToken%3D${encodeURIComponent(encodeURIComponent('STS.token-that-must-stay-home'))}%26SignatureMethod%3DHMAC-SHA1`,
      ),
    );
    const answer = await sts(new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`));
    const body = await answer.text();
    expect(answer.status).toBe(400);
    expect(body).toContain('SignatureDoesNotMatch');
    expect(body).not.toContain('must-stay-home');
    expect(body).toContain('SecurityToken%3D***');
  });
});

describe('the proxy faces the internet', () => {
  it('a request body over maxRequestBytes is refused unread (InvalidParameter, HTTP 400), nothing goes upstream', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new TextEncoder().encode(`TaskId=${TASK_ID}&pad=${'x'.repeat(16_384)}`));
      },
    });
    const answer = await proxy(
      new Request('https://app.example/api/iot/?Action=QueryTask', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
    );
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      Code: 'InvalidParameter',
      Message: 'The request body is larger than 65536 bytes.',
    });
    expect(pulled).toBeLessThan(10);
    expect(gateway.seen).toHaveLength(0);
  });
});

describe('the proxy answers nothing it signed with', () => {
  const SIGNATURE = 'c2lnbmF0dXJlLXRoYXQtc3RheXM';
  it('a Signature, AccessKeyId, SecurityToken or Authorization the service echoes is masked, in successes and errors', async () => {
    gateway.reply(
      ok({
        Message: `signed with AccessKeyId=${ACCESS_KEY.accessKeyId}&Signature=${SIGNATURE}&SecurityToken=STS.echoed`,
        StatusDetail: JSON.stringify({ Signature: SIGNATURE, Authorization: 'ACS3-HMAC-SHA256 Credential=x' }),
      }),
      gatewayError(
        400,
        'IncompleteSignature',
        `The request signature does not conform. Authorization: ACS3-HMAC-SHA256 Credential=${ACCESS_KEY.accessKeyId},SignedHeaders=host;x-acs-action,Signature=${SIGNATURE}`,
      ),
      businessError('iot.common.Forbidden', `x-acs-security-token:STS.echoed rejected for ${ACCESS_KEY.accessKeyId}`),
    );
    const url = `https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`;
    const answers = [await proxy(new Request(url)), await proxy(new Request(url)), await proxy(new Request(url))];
    expect(answers.map((a) => a.status)).toEqual([200, 400, 200]);
    const [success, error, business] = await Promise.all(answers.map((a) => a.json()));
    for (const body of [success, error, business]) {
      const text = JSON.stringify(body);
      expect(text).not.toContain(ACCESS_KEY.accessKeyId);
      expect(text).not.toContain(SIGNATURE);
      expect(text).not.toContain('STS.echoed');
    }
    expect(success.Data.Message).toBe('signed with AccessKeyId=***&Signature=***&SecurityToken=***');
    // The JSON text stays JSON, its signing fields masked.
    expect(JSON.parse(success.Data.StatusDetail)).toEqual({ Signature: '***', Authorization: '***' });
    expect(error).toMatchObject({ Code: 'IncompleteSignature', Message: expect.stringContaining('Signature=***') });
    expect(business).toMatchObject({ Success: false, Code: 'iot.common.Forbidden' });
  });

  it('the key a credentials provider gave is masked wherever the service quotes it, even unnamed', async () => {
    const rotating = createSigningProxy({
      region: 'cn-shanghai',
      credentials: () => ACCESS_KEY,
      quota: false,
      retry: false,
    });
    gateway.reply(
      gatewayError(403, 'InvalidAccessKeyId.Inactive', `Specified access key ${ACCESS_KEY.accessKeyId} is disabled.`),
    );
    const answer = await rotating(new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`));
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ Message: 'Specified access key *** is disabled.' });
  });
});

describe('a parameter is given once', () => {
  const refusal = async (request: Request, name: string) => {
    const answer = await proxy(request);
    expect(answer.status).toBe(400);
    const body = await answer.json();
    expect(body).toMatchObject({
      Code: 'InvalidParameter',
      Message: expect.stringContaining(`${name} is given 2 times`),
    });
    expect(gateway.seen).toHaveLength(0);
  };

  it('twice in the query, in the query and the form body, or as Action and x-acs-action: 400 naming it, nothing upstream', async () => {
    await refusal(
      new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}&TaskId=other`),
      'TaskId',
    );
    await refusal(
      new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'TaskId=other',
      }),
      'TaskId',
    );
    await refusal(new Request(`https://app.example/api/iot/?Action=QueryTask&Action=DeleteJob&TaskId=x`), 'Action');
    await refusal(
      new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=x`, {
        headers: { 'x-acs-action': 'DeleteJob' },
      }),
      'Action',
    );
  });

  it('a parameter the proxy drops anyway may come twice; each once is forwarded', async () => {
    const answer = await proxy(new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}&_=1&_=2`));
    expect(answer.status).toBe(200);
    expect(gateway.seen[0]?.params).toEqual({ TaskId: TASK_ID, Format: 'JSON' });
  });
});

describe('a request body that never completes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A form body that sends its first bytes, then nothing, for ever; `cancelled` once the reader lets go. */
  function stalledBody() {
    const state = { cancelled: false };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`TaskId=${TASK_ID}&Action=Query`));
      },
      cancel() {
        state.cancelled = true;
      },
    });
    const request = new Request('https://app.example/api/iot/?', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      duplex: 'half',
    } as RequestInit);
    return { request, state };
  }

  it('is waited for requestBodyTimeoutMs (5 s by default), then refused with 408; the body is cancelled, no timer left', async () => {
    vi.useFakeTimers();
    const { request, state } = stalledBody();
    let answered: Response | undefined;
    const pending = proxy(request).then((answer) => {
      answered = answer;
      return answer;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(answered).toBeUndefined();
    const answer = await settle(pending);
    expect(answer.status).toBe(408);
    expect(await answer.json()).toMatchObject({
      Code: 'RequestTimeout',
      Message: 'The request body did not arrive within 5000 ms.',
    });
    expect(state.cancelled).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(gateway.seen).toHaveLength(0);
  });

  it('requestBodyTimeoutMs sets the bound', async () => {
    vi.useFakeTimers();
    const quick = createSigningProxy({ region: 'cn-shanghai', credentials: ACCESS_KEY, requestBodyTimeoutMs: 250 });
    const { request } = stalledBody();
    const started = Date.now();
    const answer = await settle(quick(request));
    expect(answer.status).toBe(408);
    expect(Date.now() - started).toBe(250);
  });
});

describe('mistakes are named where they are made', () => {
  const base = { region: 'cn-shanghai', credentials: ACCESS_KEY } as const;
  function creationError(options: Record<string, unknown>): unknown {
    try {
      createSigningProxy({ ...base, ...options } as SigningProxyOptions);
    } catch (error) {
      return error;
    }
    return undefined;
  }

  it.each([
    [
      { allowedActions: ['QueryTask', 'DeleteEverything'] },
      'allowedActions[1]',
      'an action of the spec: one of QueryTask',
    ],
    [{ allowedActions: 'QueryTask' }, 'allowedActions', 'an array of action names'],
    [{ allowedActions: [] }, 'allowedActions', 'at least one action name'],
    [{ signatureVersion: 'none' }, 'signatureVersion', 'v3 or v1: the proxy signs'],
    [{ signatureVersion: 'v2' }, 'signatureVersion', 'one of v3, v1'],
    [{ allowedAction: ['QueryTask'] }, 'allowedAction', "one of createSigningProxy's options (allowedActions,"],
    [{ format: 'XML' }, 'format', 'no format: the proxy always asks the service for JSON'],
    [{ maxRequestBytes: -1 }, 'maxRequestBytes', 'an integer from 0'],
    [{ requestBodyTimeoutMs: 0 }, 'requestBodyTimeoutMs', 'a number of milliseconds'],
    [{ onError: 'console' }, 'onError', 'a function'],
  ])('%o is a ValidationError naming %s when the proxy is made', (options, field, expected) => {
    const error = creationError(options);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field, expected: expect.stringContaining(expected) });
  });

  it('options that are not an object are refused too', () => {
    expect(() => createSigningProxy('cn-shanghai' as never)).toThrow(ValidationError);
  });

  it('the handler called with something that is not a Request rejects with a TypeError saying what it takes', async () => {
    for (const wrong of ['https://app.example/api/iot/?Action=QueryTask&TaskId=x', {}, undefined]) {
      const error = await proxy(wrong as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TypeError);
      expect((error as TypeError).message).toMatch(/^createSigningProxy's handler takes a fetch Request/);
    }
  });
});

describe('an unreachable service', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:8443'), {
    code: 'ECONNREFUSED',
    address: '10.20.30.40',
    port: 8443,
  });
  const unreachable = (onError: SigningProxyOptions['onError']) =>
    createSigningProxy({
      endpoint: 'https://iot-internal.corp.example:8443',
      credentials: ACCESS_KEY,
      quota: false,
      retry: false,
      fetch: async () => {
        throw refused;
      },
      onError,
    });

  it("is a generic 502 in the API's error shape for the browser; the cause goes to onError", async () => {
    const errors: unknown[] = [];
    const gatewayProxy = unreachable((error) => errors.push(error));
    const answer = await gatewayProxy(new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`));
    expect(answer.status).toBe(502);
    const text = await answer.text();
    for (const hidden of ['10.20.30.40', '8443', 'ECONNREFUSED', 'iot-internal', 'corp.example']) {
      expect(text).not.toContain(hidden);
    }
    expect(JSON.parse(text)).toEqual({
      RequestId: expect.any(String),
      Code: 'BadGateway',
      Message: 'The proxy could not reach the service; try again later.',
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(NetworkError);
    expect((errors[0] as NetworkError).message).toContain('ECONNREFUSED 10.20.30.40:8443');

    // The browser's client reads it as the gateway error it is (retryable, as a 502 is).
    const viaBrowser = createIotTaskClient({
      endpoint: 'https://app.example/api/iot',
      signatureVersion: 'none',
      quota: false,
      retry: false,
      fetch: (input, init) => gatewayProxy(new Request(input, init)),
    });
    const error = await viaBrowser.queryTask({ TaskId: TASK_ID }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'BadGateway', httpStatus: 502, retryable: true });
  });

  it('an onError that throws changes nothing the browser gets (it is reported on the console)', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const answer = await unreachable(() => {
        throw new Error('the log is full');
      })(new Request(`https://app.example/api/iot/?Action=QueryTask&TaskId=${TASK_ID}`));
      expect(answer.status).toBe(502);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('the log is full'));
    } finally {
      warn.mockRestore();
    }
  });
});
