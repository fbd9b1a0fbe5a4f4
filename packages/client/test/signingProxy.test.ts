import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIotTaskClient, createSigningProxy } from '../src/index.ts';
import { ACCESS_KEY, businessError, fakeGateway, gatewayError, TASK_ID } from './support/fakeGateway.ts';

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
