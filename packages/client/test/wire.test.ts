import { inspect } from 'node:util';
import { Iot20180120 } from '@iot-task/spec';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { heyApiClientFor } from '../src/heyApi.ts';
import { createIotTaskClient, endpointForRegion, type IotTaskClientOptions } from '../src/index.ts';
import { ACCESS_KEY, BASE_URL, fakeGateway, ok, okXml, TASK_ID } from './support/fakeGateway.ts';

const gateway = fakeGateway({
  secrets: { [ACCESS_KEY.accessKeyId]: ACCESS_KEY.accessKeySecret, 'sts-key': 'sts-secret' },
});
const server = setupServer(gateway.handler);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => {
  server.resetHandlers();
  gateway.seen.length = 0;
});
afterAll(() => server.close());

function client(options: IotTaskClientOptions = {}) {
  return createIotTaskClient({ region: 'cn-shanghai', credentials: ACCESS_KEY, quota: false, ...options });
}

describe('what goes on the wire', () => {
  it('V3 by default: POST / to the regional endpoint, action and version in headers, Authorization signed', async () => {
    const { Data: task } = await client().queryTask({ TaskId: TASK_ID });
    expect(task.TaskId).toBe(TASK_ID);
    const [sent] = gateway.seen;
    expect(sent?.method).toBe('POST');
    expect(`${sent?.url.origin}${sent?.url.pathname}`).toBe(`${BASE_URL}/`);
    expect(sent?.headers['x-acs-action']).toBe('QueryTask');
    expect(sent?.headers['x-acs-version']).toBe('2018-01-20');
    expect(sent?.headers.authorization).toMatch(
      /^ACS3-HMAC-SHA256 Credential=test-key-id,SignedHeaders=host;x-acs-action;/,
    );
    expect(sent?.headers['x-acs-date']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(sent?.params).toEqual({ TaskId: TASK_ID, Format: 'JSON' });
  });

  it('V1 (RPC HMAC-SHA1): every common parameter in the query, signature verified independently', async () => {
    await client({ signatureVersion: 'v1', method: 'GET' }).queryTask({
      TaskId: TASK_ID,
      IotInstanceId: 'iot-cn-0pp1n8t',
    });
    const [sent] = gateway.seen;
    expect(sent?.method).toBe('GET');
    expect(Object.keys(sent?.params ?? {}).sort()).toEqual(
      [
        'AccessKeyId',
        'Action',
        'Format',
        'IotInstanceId',
        'Signature',
        'SignatureMethod',
        'SignatureNonce',
        'SignatureVersion',
        'TaskId',
        'Timestamp',
        'Version',
      ].sort(),
    );
    expect(sent?.params).toMatchObject({
      Action: 'QueryTask',
      Version: '2018-01-20',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
    });
    expect(sent?.params.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // `*` must be %2A on the wire, as it was signed.
    expect(sent?.url.search).toContain('TaskId=MSnT9%2A%2A%2Aq010101');
  });

  it('nonces are unique per request', async () => {
    const c = client();
    await Promise.all(Array.from({ length: 20 }, () => c.queryTask({ TaskId: TASK_ID })));
    expect(new Set(gateway.seen.map((s) => s.nonce)).size).toBe(20);
  });

  it('an explicit endpoint (mock server, proxy) wins over the region', async () => {
    const c = client({ endpoint: 'http://127.0.0.1:4010', region: 'cn-beijing' });
    expect(c.endpoint).toEqual({ baseUrl: 'http://127.0.0.1:4010' });
    await c.queryTask({ TaskId: TASK_ID });
    expect(gateway.seen[0]?.url.host).toBe('127.0.0.1:4010');
  });

  it("regions map to endpoints as the official SDK does (the family's endpoints in its api.yaml)", async () => {
    expect(endpointForRegion(Iot20180120, 'ap-southeast-1')).toBe('iot.ap-southeast-1.aliyuncs.com');
    expect(endpointForRegion(Iot20180120, 'cn-qingdao')).toBe('iot.aliyuncs.com');
    expect(endpointForRegion(Iot20180120, 'eu-west-1')).toBe('iot.aliyuncs.com');
    await client({ region: 'cn-qingdao' }).queryTask({ TaskId: TASK_ID });
    expect(gateway.seen[0]?.url.host).toBe('iot.aliyuncs.com');
  });

  it('Unicode that the API may accept is sent correctly encoded', async () => {
    await client({ signatureVersion: 'v1' }).queryTask({ TaskId: '作业-😀 a~b' });
    expect(gateway.seen[0]?.params.TaskId).toBe('作业-😀 a~b');
    expect(gateway.seen[0]?.url.search).toContain('TaskId=%E4%BD%9C%E4%B8%9A-%F0%9F%98%80%20a~b');
  });
});

describe('credentials', () => {
  it('STS: SecurityToken in the V1 query, x-acs-security-token in V3 headers (signed)', async () => {
    const sts = { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret', securityToken: 'token-123' };
    await client({ signatureVersion: 'v1', credentials: sts }).queryTask({ TaskId: TASK_ID });
    await client({ credentials: sts }).queryTask({ TaskId: TASK_ID });
    expect(gateway.seen[0]?.params.SecurityToken).toBe('token-123');
    expect(gateway.seen[1]?.headers['x-acs-security-token']).toBe('token-123');
    expect(gateway.seen[1]?.headers.authorization).toContain('x-acs-security-token');
  });

  it('reads the standard environment variables by default', async () => {
    const saved = { ...process.env };
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'sts-key';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'sts-secret';
    process.env.ALIBABA_CLOUD_SECURITY_TOKEN = 'env-token';
    try {
      await createIotTaskClient({ region: 'cn-shanghai', quota: false }).queryTask({ TaskId: TASK_ID });
      expect(gateway.seen[0]?.headers['x-acs-security-token']).toBe('env-token');
    } finally {
      process.env = saved;
    }
  });

  it('missing variables: a CredentialsError that names them, and nothing is sent', async () => {
    const c = createIotTaskClient({ region: 'cn-shanghai', quota: false, credentials: undefined });
    const saved = { ...process.env };
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
    delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    try {
      await expect(c.queryTask({ TaskId: TASK_ID })).rejects.toMatchObject({
        kind: 'credentials',
        code: 'MissingCredentials',
        message: expect.stringContaining('ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET'),
      });
      expect(gateway.seen).toHaveLength(0);
    } finally {
      process.env = saved;
    }
  });

  it('an async provider is asked before every request, so rotated keys are used', async () => {
    const keys = [ACCESS_KEY, { accessKeyId: 'sts-key', accessKeySecret: 'sts-secret' }];
    let calls = 0;
    const c = client({ credentials: async () => keys[Math.min(calls++, 1)] as typeof ACCESS_KEY });
    await c.queryTask({ TaskId: TASK_ID });
    await c.queryTask({ TaskId: TASK_ID });
    expect(gateway.seen.map((s) => s.headers.authorization?.match(/Credential=([^,]+)/)?.[1])).toEqual([
      'test-key-id',
      'sts-key',
    ]);
  });

  it('never shows the secret: not in the client, its errors, or hook events', async () => {
    const events: unknown[] = [];
    const c = client({
      credentials: { accessKeyId: ACCESS_KEY.accessKeyId, accessKeySecret: 'wrong-secret-xyz' },
      retry: false,
      hooks: { onRequest: (e) => events.push(e), onResponse: (e) => events.push(e) },
    });
    const error = await c.queryTask({ TaskId: TASK_ID }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'gateway', code: 'SignatureDoesNotMatch', httpStatus: 400 });
    const surfaces = [
      inspect(c, { depth: 10 }),
      inspect(error, { depth: 10 }),
      JSON.stringify(error),
      String(error),
      JSON.stringify(events),
    ];
    for (const text of surfaces) expect(text).not.toContain('wrong-secret-xyz');
  });
});

describe('formats', () => {
  it('XML and JSON give the very same typed result; Progress is a number', async () => {
    gateway.reply(ok(), okXml());
    const fromJson = await client().queryTask({ TaskId: TASK_ID });
    const fromXml = await client({ format: 'XML' }).queryTask({ TaskId: TASK_ID });
    expect(fromXml).toEqual(fromJson);
    expect(fromJson.Data.Progress).toBe(80);
    expect(gateway.seen[1]?.params.Format).toBe('XML');
  });

  it('a Progress the server sends as a string becomes a number', async () => {
    gateway.reply(ok({ Progress: '42' }));
    expect((await client().queryTask({ TaskId: TASK_ID })).Data.Progress).toBe(42);
  });

  it('XML entities and CDATA decode; a DOCTYPE (entity expansion) is refused as unparseable', async () => {
    gateway.reply(
      okXml({
        '<Message>this is message about task execution</Message>':
          '<Message>a &amp; b &#x4F5C;<![CDATA[<x>]]></Message>',
      }),
      okXml({ '<QueryTaskResponse>': '<!DOCTYPE r [<!ENTITY a "aaaa">]><QueryTaskResponse>' }),
    );
    const c = client({ format: 'XML', retry: false });
    expect((await c.queryTask({ TaskId: TASK_ID })).Data.Message).toBe('a & b 作<x>');
    await expect(c.queryTask({ TaskId: TASK_ID })).rejects.toMatchObject({
      kind: 'parse',
      message: expect.stringContaining('document type and entity declarations are not accepted'),
    });
  });
});

describe('the generated SDK through the runtime', () => {
  it('heyApiClientFor(client) sends the generated queryTask through the same runtime', async () => {
    const { queryTask } = await import('../src/generated/actions/QueryTask/index.ts');
    const c = client();
    const { data } = await queryTask({
      client: heyApiClientFor(c),
      query: { Action: 'QueryTask', TaskId: TASK_ID },
      throwOnError: true,
    });
    expect(data.Success && data.Data.Progress).toBe(80);
    expect(gateway.seen[0]?.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 /);
    expect(heyApiClientFor(c)).toBe(heyApiClientFor(c));
  });

  it('the generated SDK is validated like call(): a bad TaskId is a ValidationError, nothing is sent', async () => {
    const { queryTask } = await import('../src/generated/actions/QueryTask/index.ts');
    await expect(
      queryTask({
        client: heyApiClientFor(client()),
        query: { Action: 'QueryTask', TaskId: '  ' },
        throwOnError: true,
      }),
    ).rejects.toMatchObject({ kind: 'validation', field: 'TaskId' });
    expect(gateway.seen).toHaveLength(0);
  });

  it('typed errors reach callers of the generated SDK too', async () => {
    const { queryTask } = await import('../src/generated/actions/QueryTask/index.ts');
    const c = client({ credentials: { accessKeyId: ACCESS_KEY.accessKeyId, accessKeySecret: 'bad' }, retry: false });
    await expect(
      queryTask({ client: heyApiClientFor(c), query: { Action: 'QueryTask', TaskId: TASK_ID }, throwOnError: true }),
    ).rejects.toMatchObject({ kind: 'gateway', code: 'SignatureDoesNotMatch' });
  });
});
