import { createServer, type OutgoingHttpHeaders, request } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { createIotTaskClient, type IotTaskClientOptions, NetworkError } from '@iot-task/client';
import { EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../src/index.ts';
import { Config, OfficialIot as Iot, QueryTaskRequest } from './support/officialSdk.ts';

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ quota: false });
});
afterEach(() => server.mock.reset());
afterAll(() => server.close());

function client(options: IotTaskClientOptions = {}) {
  return createIotTaskClient({
    endpoint: server.url,
    credentials: TEST_CREDENTIALS,
    quota: false,
    retry: false,
    ...options,
  });
}

describe('over real HTTP on loopback', () => {
  it('our client (V3 and V1, GET and POST) gets the example task, signatures verified', async () => {
    const seen = [];
    for (const signatureVersion of ['v3', 'v1'] as const) {
      for (const method of ['GET', 'POST'] as const)
        seen.push((await client({ signatureVersion, method }).queryTask({ TaskId: EXAMPLE_TASK_ID })).Data);
    }
    expect(seen.map((t) => t.Status)).toEqual(['QUEUED', 'SENT', 'IN_PROGRESS', 'IN_PROGRESS']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('waitForTask follows the example task to SUCCEEDED', async () => {
    const final = await client().waitForTask(EXAMPLE_TASK_ID, { intervalMs: 1, maxIntervalMs: 2 });
    expect(final).toMatchObject({ Status: 'SUCCEEDED', Progress: 100 });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch and the server string to sign', async () => {
    const error = await client({ credentials: { ...TEST_CREDENTIALS, accessKeySecret: 'wrong' } })
      .queryTask({ TaskId: EXAMPLE_TASK_ID })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 400 });
    expect((error as Error).message).toContain('server string to sign is:ACS3-HMAC-SHA256\n');
  });

  it('a drop fault really drops the connection', async () => {
    // Twice: a request dropped on a kept-alive socket goes once more on a new connection (node:http
    // cannot tell it from a socket the server had just closed), and that one is dropped too.
    server.mock.faults.add('drop', { times: 2 });
    expect(
      await client()
        .queryTask({ TaskId: EXAMPLE_TASK_ID })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(NetworkError);
  });

  it('has a control surface: seed a task with a scenario, queue a fault, reset', async () => {
    const seed = await fetch(`${server.url}/__mock/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ TaskId: 'T-fail', scenario: 'fails' }),
    });
    expect(seed.status).toBe(201);
    expect((await client().waitForTask('T-fail', { intervalMs: 1 })).Status).toBe('FAILED');
    const bad = await fetch(`${server.url}/__mock/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ TaskId: 'x', scenario: 'explodes' }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/^scenario: expected one of succeeds, fails/);
    await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'gateway:Throttling.User', times: 1 }),
    });
    await expect(client().queryTask({ TaskId: EXAMPLE_TASK_ID })).rejects.toMatchObject({ code: 'Throttling.User' });
    expect(
      (await fetch(`${server.url}/__mock/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } }))
        .status,
    ).toBe(204);
    const tasks = await (await fetch(`${server.url}/__mock/tasks`)).json();
    expect(tasks.map((t: { TaskId: string }) => t.TaskId)).toEqual([EXAMPLE_TASK_ID]);
    const stats = await (await fetch(`${server.url}/__mock/stats`)).json();
    expect(stats.rss).toBeGreaterThan(0);
  });

  it('enforces the quota when on: Throttling.User over 5 requests a second per AccessKey', async () => {
    // The mock's clock stands still, so no token comes back however slowly the 7 requests arrive.
    const frozenAt = Date.now();
    const limited = await createMockServer({ now: () => frozenAt });
    try {
      const c = createIotTaskClient({
        endpoint: limited.url,
        credentials: TEST_CREDENTIALS,
        quota: false,
        retry: false,
      });
      const results = await Promise.allSettled(
        Array.from({ length: 7 }, () => c.queryTask({ TaskId: EXAMPLE_TASK_ID })),
      );
      expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
        expect.objectContaining({ code: 'Throttling.User', httpStatus: 400 }),
        expect.objectContaining({ code: 'Throttling.User', httpStatus: 400 }),
      ]);
    } finally {
      await limited.close();
    }
  });
});

describe('the quota per account, and the log on the control surface', () => {
  it('accounts and quota counting pass through; GET /__mock/log answers every entry with at and account', async () => {
    const frozenAt = Date.now();
    const credentials = { ...TEST_CREDENTIALS, accessKeyId: 'AK-2', accessKeySecret: 'secret-2' };
    const shared = await createMockServer({
      now: () => frozenAt,
      credentials: { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.accessKeySecret, 'AK-2': 'secret-2' },
      accounts: { [TEST_CREDENTIALS.accessKeyId]: 'acme', 'AK-2': 'acme' },
      quota: { requestsPerSecond: 2 },
      logLimit: 50,
    });
    try {
      const signed = (given: typeof TEST_CREDENTIALS | typeof credentials) =>
        createIotTaskClient({ endpoint: shared.url, credentials: given, quota: false, retry: false })
          .queryTask({ TaskId: EXAMPLE_TASK_ID })
          .then(
            () => 'ok',
            (e: { code: string }) => e.code,
          );
      expect([await signed(TEST_CREDENTIALS), await signed(credentials), await signed(credentials)]).toEqual([
        'ok',
        'ok',
        'Throttling.User',
      ]);
      const answer = await fetch(`${shared.url}/__mock/log`);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual({
        limit: 50,
        dropped: 0,
        entries: [200, 200, 400].map((httpStatus) => ({
          at: frozenAt,
          account: 'acme',
          action: 'QueryTask',
          taskId: EXAMPLE_TASK_ID,
          httpStatus,
          code: httpStatus === 200 ? null : 'Throttling.User',
        })),
      });
      // The control surface's rules hold for the log: no other origin reads it.
      const crossSite = await fetch(`${shared.url}/__mock/log`, { headers: { origin: 'http://evil.example' } });
      expect(crossSite.status).toBe(403);
    } finally {
      await shared.close();
    }
  });

  it("counting 'token-bucket' passes through, and a bad option is refused before listening", async () => {
    await expect(createMockServer({ quota: { burst: 3 } })).rejects.toMatchObject({
      name: 'IotMockOptionError',
      field: 'quota.burst',
    });
    const frozenAt = Date.now();
    const bucket = await createMockServer({
      now: () => frozenAt,
      quota: { counting: 'token-bucket', requestsPerSecond: 1, burst: 3 },
    });
    try {
      const c = createIotTaskClient({
        endpoint: bucket.url,
        credentials: TEST_CREDENTIALS,
        quota: false,
        retry: false,
      });
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push(
          await c.queryTask({ TaskId: EXAMPLE_TASK_ID }).then(
            () => 'ok',
            (e: { code: string }) => e.code,
          ),
        );
      expect(codes).toEqual(['ok', 'ok', 'ok', 'Throttling.User']);
    } finally {
      await bucket.close();
    }
  });
});

describe('the official SDK (@alicloud/iot20180120) against the mock', () => {
  const official = (signatureAlgorithm?: 'v2') =>
    new Iot(
      new Config({
        ...TEST_CREDENTIALS,
        endpoint: server.url.replace('http://', ''),
        protocol: 'http',
        ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
      }),
    );

  for (const [name, algorithm] of [
    ['V3 (its default)', undefined],
    ["V2 RPC (signatureAlgorithm 'v2')", 'v2'],
  ] as const) {
    it(`${name}: signed, verified, and gets the task back`, async () => {
      const response = await official(algorithm).queryTask(new QueryTaskRequest({ taskId: EXAMPLE_TASK_ID }));
      expect(response.statusCode).toBe(200);
      expect(response.body.success).toBe(true);
      expect(response.body.data).toMatchObject({
        taskId: EXAMPLE_TASK_ID,
        status: 'QUEUED',
        jobName: 'MyTestJobIax6Eq',
      });
    });
  }

  it('its business errors come back as a success body, as the real service gives them', async () => {
    const response = await official().queryTask(new QueryTaskRequest({ taskId: 'nope' }));
    expect(response.body).toMatchObject({ success: false, code: 'iot.job.TaskNotFound' });
  });

  it('a wrong secret throws the SDK own error with SignatureDoesNotMatch', async () => {
    const wrong = new Iot(
      new Config({
        ...TEST_CREDENTIALS,
        accessKeySecret: 'wrong',
        endpoint: server.url.replace('http://', ''),
        protocol: 'http',
      }),
    );
    await expect(wrong.queryTask(new QueryTaskRequest({ taskId: EXAMPLE_TASK_ID }))).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      statusCode: 400,
    });
  });
});

describe('a hostile or careless caller', () => {
  it('a request body over the cap is refused before any other work: InvalidParameter, HTTP 400', async () => {
    const answer = await fetch(`${server.url}/?Action=QueryTask&Format=JSON`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'TaskId=x&pad='.padEnd(1 << 20, 'x'),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      Code: 'InvalidParameter',
      Message: 'The request body is larger than 65536 bytes.',
    });
    expect(server.mock.log).toEqual([]);
  });

  it('the control surface refuses a cross-origin request and a body that is not JSON; nothing changes', async () => {
    const crossSite = await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'drop', times: null }),
    });
    expect(crossSite.status).toBe(403);
    const simple = await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'drop', times: null }),
    });
    expect(simple.status).toBe(415);
    expect(server.mock.faults.pending).toBe(0);
  });

  it('a path that names another host (//evil.example/__mock/reset) is a path here, and a bodyless control POST must be JSON', async () => {
    await fetch(`${server.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'status:503', times: 1 }),
    });
    expect(server.mock.faults.pending).toBe(1);
    const { port } = new URL(server.url);
    // What a page at evil.example sends with fetch(url, { method: 'POST', mode: 'no-cors' }).
    const forged = await new Promise<number>((resolve, reject) => {
      const forging = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '//evil.example/__mock/reset',
          headers: { origin: 'http://evil.example', 'content-length': '0' },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      forging.on('error', reject);
      forging.end();
    });
    expect(forged).not.toBe(204);
    const bodyless = await fetch(`${server.url}/__mock/reset`, { method: 'POST' });
    expect(bodyless.status).toBe(415);
    expect(server.mock.faults.pending).toBe(1);
    await fetch(`${server.url}/__mock/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  it('a V3 SignedHeaders list with a name no header has: IncompleteSignature, never a 500', async () => {
    for (const list of ['host;;x-acs-action', 'host;bad(name);x-acs-action', 'Host;x-acs-action']) {
      const answer = await fetch(`${server.url}/?Format=JSON`, {
        method: 'POST',
        headers: {
          authorization: `ACS3-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId},SignedHeaders=${list},Signature=abcdef`,
          'x-acs-action': 'QueryTask',
          'x-acs-version': '2018-01-20',
          'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'x-acs-signature-nonce': crypto.randomUUID(),
          'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        },
      });
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ Code: 'IncompleteSignature' });
    }
  });

  it('a latency fault a timer cannot wait, or one without a number, is refused', async () => {
    for (const fault of ['latency:2147483648', 'latency:', 'latency:1e3']) {
      const answer = await fetch(`${server.url}/__mock/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault, times: 1 }),
      });
      expect(answer.status).toBe(400);
    }
    expect(server.mock.faults.pending).toBe(0);
  });

  it('scenario names are looked up as the mock own ones only (constructor, toString, __proto__ are refused)', async () => {
    for (const scenario of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const answer = await fetch(`${server.url}/__mock/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ TaskId: 'T-proto', scenario }),
      });
      expect(answer.status).toBe(400);
    }
    expect(
      (await client()
        .queryTask({ TaskId: 'T-proto' })
        .catch((e: unknown) => e)) as object,
    ).toMatchObject({
      code: 'iot.job.TaskNotFound',
    });
  });

  it('V3 is verified against the Host the request carries: a call through a forwarding proxy on another port verifies', async () => {
    const upstream = new URL(server.url);
    const proxy = createServer((req, res) => {
      const forward = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const viaProxy = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const { Data: task } = await client({ endpoint: viaProxy }).queryTask({ TaskId: EXAMPLE_TASK_ID });
      expect(task.TaskId).toBe(EXAMPLE_TASK_ID);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  it('close() ends at once, even while a latency fault is holding a request', async () => {
    const slow = await createMockServer({ quota: false });
    slow.mock.faults.add({ kind: 'latency', ms: 600_000 });
    const pending = client({ endpoint: slow.url, timeoutMs: 600_000, attemptTimeoutMs: 600_000, retry: false })
      .queryTask({ TaskId: EXAMPLE_TASK_ID })
      .catch((e: unknown) => e);
    await expect.poll(() => slow.mock.faults.pending).toBe(0);
    await slow.close();
    expect(await pending).toMatchObject({ kind: 'network' });
  });
});

/** One request over its own connection, with exactly the headers given (Host included): status and body. */
function rawRequest(
  base: string,
  options: { method?: string; path: string; headers?: OutgoingHttpHeaders; body?: string },
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: hostname,
        port,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          body += chunk;
        });
        answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
      },
    );
    sent.on('error', reject);
    sent.end(options.body);
  });
}

/** A `fetch` that connects to `target` whatever the URL names, sending the URL's host as Host (a hosts-file or --endpoint override). */
function routedTo(target: string): typeof fetch {
  return async (input, init) => {
    const sent = new Request(input, init);
    const url = new URL(sent.url);
    const body = sent.body ? await sent.text() : undefined;
    const answer = await rawRequest(target, {
      method: sent.method,
      path: `${url.pathname}${url.search}`,
      headers: { ...Object.fromEntries(sent.headers), host: url.host },
      ...(body === undefined ? {} : { body }),
    });
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
}

describe('the control surface over real HTTP: bodies, sites and hosts', () => {
  it('a JSON null (or array, number, string) body is a 400 naming the object expected, never a 500', async () => {
    for (const path of ['/__mock/faults', '/__mock/tasks']) {
      for (const body of ['null', '[]', '42', '"drop"']) {
        const answer = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        expect({ path, body, status: answer.status }).toEqual({ path, body, status: 400 });
        expect((await answer.json()).error).toMatch(/^expected a JSON object \{ "(fault|TaskId)": …/);
      }
    }
    expect(server.mock.faults.pending).toBe(0);
  });

  it('Sec-Fetch-Site cross-site or same-site is refused without an Origin, stats included; curl-like requests pass', async () => {
    for (const site of ['cross-site', 'same-site']) {
      for (const path of ['/__mock/tasks', '/__mock/log', '/__mock/stats'])
        expect((await fetch(`${server.url}${path}`, { headers: { 'sec-fetch-site': site } })).status).toBe(403);
      const forged = await fetch(`${server.url}/__mock/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': site },
        body: JSON.stringify({ fault: 'drop', times: null }),
      });
      expect(forged.status).toBe(403);
    }
    expect(server.mock.faults.pending).toBe(0);
    // Node's fetch sends Sec-Fetch-Mode but no Sec-Fetch-Site, as curl sends neither: both pass.
    expect((await fetch(`${server.url}/__mock/stats`)).status).toBe(200);
    expect((await rawRequest(server.url, { path: '/__mock/tasks' })).status).toBe(200);
    expect((await fetch(`${server.url}/__mock/tasks`, { headers: { 'sec-fetch-site': 'same-origin' } })).status).toBe(
      200,
    );
  });

  it('DNS rebinding: a Host that is not loopback is refused on /__mock/ (stats too); loopback with any port passes', async () => {
    const { port } = new URL(server.url);
    for (const path of ['/__mock/tasks', '/__mock/log', '/__mock/stats']) {
      const rebound = await rawRequest(server.url, { path, headers: { host: `evil.example:${port}` } });
      expect({ path, status: rebound.status }).toEqual({ path, status: 403 });
      expect(JSON.parse(rebound.body).error).toMatch(
        /^requests to \/__mock\/ for Host "evil\.example:\d+" are refused/,
      );
    }
    const reset = await rawRequest(server.url, {
      method: 'POST',
      path: '/__mock/faults',
      headers: { host: `evil.example:${port}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'drop', times: null }),
    });
    expect(reset.status).toBe(403);
    expect(server.mock.faults.pending).toBe(0);
    // What the mutation suite's TCP proxy sends: its own port in Host.
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1:1', `localhost:${port}`, '[::1]:8080', '127.0.0.2'])
      expect({
        host,
        status: (await rawRequest(server.url, { path: '/__mock/tasks', headers: { host } })).status,
      }).toEqual({
        host,
        status: 200,
      });
  });

  it('the API (/) answers any Host: clients signing for iot.cn-shanghai.aliyuncs.com, routed to the mock', async () => {
    for (const signatureVersion of ['v3', 'v1'] as const) {
      const routed = createIotTaskClient({
        endpoint: 'http://iot.cn-shanghai.aliyuncs.com',
        credentials: TEST_CREDENTIALS,
        quota: false,
        retry: false,
        signatureVersion,
        fetch: routedTo(server.url),
      });
      expect((await routed.queryTask({ TaskId: EXAMPLE_TASK_ID })).Data.TaskId).toBe(EXAMPLE_TASK_ID);
    }
  });

  it('the host the server was told to listen on, and allowedHosts, are answered too', async () => {
    const named = await createMockServer({ quota: false, host: 'localhost', allowedHosts: ['mock.internal'] });
    try {
      for (const host of ['localhost:1234', 'mock.internal:4010'])
        expect((await rawRequest(named.url, { path: '/__mock/tasks', headers: { host } })).status).toBe(200);
      expect((await rawRequest(named.url, { path: '/__mock/tasks', headers: { host: 'other.internal' } })).status).toBe(
        403,
      );
    } finally {
      await named.close();
    }
  });
});

/** A connection that sends `head` one byte every `everyMs`, then `tail` forever; what it received, and when it closed. */
function slowClient(base: string, head: string, everyMs: number) {
  const { hostname, port } = new URL(base);
  const socket: Socket = connect({ host: hostname, port: Number(port) });
  const state = { received: '', closedAt: undefined as number | undefined, socket };
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    socket.write(sent < head.length ? head.charAt(sent) : 'a');
    sent += 1;
  }, everyMs);
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    state.received += chunk;
  });
  socket.on('error', () => undefined);
  socket.once('close', () => {
    clearInterval(timer);
    state.closedAt = performance.now();
  });
  return state;
}

describe('slow and crowded clients', () => {
  it('slowloris: a head sent byte by byte is answered 408 and closed after headersTimeoutMs; others are served meanwhile', async () => {
    const guarded = await createMockServer({ quota: false, headersTimeoutMs: 400, requestTimeoutMs: 800 });
    try {
      const { port } = new URL(guarded.url);
      const started = performance.now();
      const slow = Array.from({ length: 50 }, () =>
        slowClient(guarded.url, `GET /__mock/tasks HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `, 20),
      );
      for (let i = 0; i < 5; i++) expect((await fetch(`${guarded.url}/__mock/tasks`)).status).toBe(200);
      await expect.poll(() => slow.every((c) => c.closedAt !== undefined), { timeout: 5_000 }).toBe(true);
      for (const client of slow) {
        expect(client.received).toMatch(/^HTTP\/1\.1 408 /);
        // Node looks for overdue heads every min(1 s, headersTimeoutMs).
        expect((client.closedAt as number) - started).toBeLessThan(2_500);
      }
      // A body trickling in after its head: closed after requestTimeoutMs.
      const slowBody = slowClient(
        guarded.url,
        `POST /__mock/faults HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n`,
        1,
      );
      await expect.poll(() => slowBody.closedAt !== undefined, { timeout: 5_000 }).toBe(true);
      expect(slowBody.received).toMatch(/^HTTP\/1\.1 408 /);
      expect(guarded.mock.faults.pending).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it('the timeouts bound receiving a request only: a latency fault longer than requestTimeoutMs is still answered', async () => {
    const guarded = await createMockServer({ quota: false, headersTimeoutMs: 200, requestTimeoutMs: 300 });
    try {
      guarded.mock.faults.add('latency:1200');
      const started = performance.now();
      const task = await client({ endpoint: guarded.url }).queryTask({ TaskId: EXAMPLE_TASK_ID });
      expect(task.Data.TaskId).toBe(EXAMPLE_TASK_ID);
      expect(performance.now() - started).toBeGreaterThanOrEqual(1_100);
      await expect(createMockServer({ headersTimeoutMs: 0 })).rejects.toThrow(/^headersTimeoutMs: expected/);
    } finally {
      await guarded.close();
    }
  });
});
