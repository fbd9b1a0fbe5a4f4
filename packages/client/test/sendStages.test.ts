import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateSync } from 'node:zlib';
import { QueryTaskExamples } from '@iot-task/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createIotTaskClient, type IotTaskClientOptions, IotTaskError } from '../src/index.ts';
import { ACCESS_KEY, TASK_ID } from './support/fakeGateway.ts';

// The two send stages (node:http on Node by default; fetch elsewhere or when injected) against
// the same real loopback servers: the same answers, the same typed failures. Timeouts here are
// real time, because what is under test is a real socket; bounds are generous.

const EXAMPLE = JSON.stringify(QueryTaskExamples['200']['application/json'].Succeeded);
// Connections for three sequential calls: ours reuses one; undici's pool (behind fetch) may open a second.
const SENDS = [
  { send: 'node:http', options: {}, connections: 1 },
  { send: 'fetch', options: { fetch: (input, init) => globalThis.fetch(input, init) }, connections: 2 },
] as const satisfies readonly { send: string; options: IotTaskClientOptions; connections: number }[];

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; connections: Socket[] }> {
  const server = createServer(handler);
  const connections: Socket[] = [];
  server.on('connection', (socket) => connections.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections };
}

async function failure(promise: Promise<unknown>): Promise<IotTaskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof IotTaskError)) throw new Error(`expected an IotTaskError, got ${String(error)}`);
  return error;
}

describe.each(SENDS)('the $send send stage', ({ options, connections }) => {
  const client = (endpoint: string, more: IotTaskClientOptions = {}) =>
    createIotTaskClient({
      ...options,
      endpoint,
      credentials: ACCESS_KEY,
      quota: false,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      ...more,
    });

  it('keeps one connection alive across calls and clients, GET and POST alike', async () => {
    const seen: string[] = [];
    const server = await serve((req, res) => {
      seen.push(`${req.method} ${req.headers['content-length'] ?? '-'}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(EXAMPLE);
    });
    for (const method of ['POST', 'GET', 'POST'] as const) {
      const { Data } = await client(server.url, { method }).queryTask({ TaskId: TASK_ID });
      expect(Data.Status).toBe('SUCCEEDED');
    }
    expect(server.connections.length).toBeLessThanOrEqual(connections);
    expect(seen.map((s) => s.split(' ')[0])).toEqual(['POST', 'GET', 'POST']);
  });

  it('reads deflate and br bodies as fetch does', async () => {
    for (const [encoding, body] of [
      ['deflate', deflateSync(EXAMPLE)],
      ['br', brotliCompressSync(EXAMPLE)],
    ] as const) {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding }).end(body);
      });
      const { Data } = await client(server.url).queryTask({ TaskId: TASK_ID });
      expect(Data.TaskId).toBe(TASK_ID);
    }
  });

  it('a server that never answers: TimeoutError after attemptTimeoutMs, retried once, then given up', async () => {
    let asked = 0;
    const server = await serve(() => {
      asked++;
    });
    const error = await failure(
      client(server.url, { attemptTimeoutMs: 200, timeoutMs: 10_000 }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({ kind: 'timeout', code: 'AttemptTimeout', retryable: true });
    expect(asked).toBe(2);
  });

  it('a body that stalls halfway: the attempt times out while reading', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(EXAMPLE.length) });
      res.write(EXAMPLE.slice(0, 20));
    });
    const error = await failure(
      client(server.url, { attemptTimeoutMs: 200, retry: false }).queryTask({ TaskId: TASK_ID }),
    );
    expect(error).toMatchObject({ kind: 'timeout', code: 'AttemptTimeout' });
  });

  it('the caller aborts while the body is arriving: AbortedError, the connection closed', async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(EXAMPLE.length) });
      res.write(EXAMPLE.slice(0, 20));
      res.on('close', () => {
        closed = true;
      });
    });
    const controller = new AbortController();
    const pending = failure(client(server.url).queryTask({ TaskId: TASK_ID }, { signal: controller.signal }));
    await expect.poll(() => server.connections.length).toBe(1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted', code: 'Aborted' });
    await expect.poll(() => closed).toBe(true);
  });

  it('a connection cut before the body ends: NetworkError, retried', async () => {
    let asked = 0;
    const server = await serve((_req, res) => {
      asked++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(EXAMPLE.length) });
      res.write(EXAMPLE.slice(0, 20), () => res.socket?.destroy());
    });
    const error = await failure(client(server.url).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(asked).toBe(2);
  });

  it('nothing listening: NetworkError naming no secret', async () => {
    const server = await serve(() => undefined);
    const url = server.url;
    for (const s of servers.splice(0)) await new Promise((resolve) => s.close(resolve));
    const error = await failure(client(url, { retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'network', code: 'NetworkError' });
    expect(JSON.stringify(error)).not.toContain(ACCESS_KEY.accessKeySecret);
  });
});
