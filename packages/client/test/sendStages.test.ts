import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { QueryTaskExamples } from '@iot-task/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createIotTaskClient, type IotTaskClientOptions } from '../src/index.ts';
import { failure, SEND_STAGES } from './support/failure.ts';
import { ACCESS_KEY, TASK_ID } from './support/fakeGateway.ts';

// The two send stages (node:http on Node by default; fetch elsewhere or when injected) against
// the same real loopback servers: the same answers, the same typed failures. Timeouts here are
// real time, because what is under test is a real socket; bounds are generous.

const EXAMPLE = JSON.stringify(QueryTaskExamples['200']['application/json'].Succeeded);
// Connections for three sequential calls: ours reuses one; undici's pool (behind fetch) may open a second.
const SENDS = SEND_STAGES.map((stage) => ({ ...stage, connections: stage.send === 'node:http' ? 1 : 2 }));

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
    // A POST without a body says so with Content-Length: 0, never as a chunked body.
    expect(seen).toEqual(['POST 0', 'GET -', 'POST 0']);
  });

  it('reads deflate (wrapped or raw), br and lists of codings as fetch does', async () => {
    for (const [encoding, body] of [
      ['deflate', deflateSync(EXAMPLE)],
      ['deflate', deflateRawSync(EXAMPLE)],
      ['br', brotliCompressSync(EXAMPLE)],
      ['gzip, br', brotliCompressSync(gzipSync(EXAMPLE))],
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

  it('a repeated Content-Type is read whole: an HTML page among them is no answer', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('content-type', ['application/json', 'text/html']);
      res.writeHead(200).end(EXAMPLE);
    });
    const error = await failure(client(server.url, { retry: false }).queryTask({ TaskId: TASK_ID }));
    expect(error).toMatchObject({ kind: 'parse' });
  });

  it('a server that switches protocols (101) instead of answering: NetworkError, never a hang', async () => {
    const raw = createNetServer((socket) => {
      socket.once('data', () =>
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'),
      );
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const error = await failure(
        client(url, { retry: false, attemptTimeoutMs: 10_000 }).queryTask({ TaskId: TASK_ID }),
      );
      expect(error).toMatchObject({ kind: 'network', retryable: true });
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('a server that echoes the request as broken HTTP: the STS token appears in no part of the error', async () => {
    const raw = createNetServer((socket) => {
      socket.once('data', (request) => socket.end(`BOGUS ${request.toString('latin1')}`));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
      const error = await failure(
        client(url, {
          retry: false,
          credentials: { ...ACCESS_KEY, securityToken: 'sts-TOKEN-never-shown' },
        }).queryTask({ TaskId: TASK_ID }),
      );
      expect(error).toMatchObject({ kind: 'network' });
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain('TOKEN');
      expect(JSON.stringify(error)).not.toContain('TOKEN');
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('a credentials provider that never answers: the call still ends at its deadline, or when the caller aborts', async () => {
    let asked = 0;
    const provider = () => {
      asked++;
      return new Promise<never>(() => undefined);
    };
    const server = await serve((_req, res) => res.end(EXAMPLE));
    const slow = client(server.url, { credentials: provider, timeoutMs: 200 });
    expect(await failure(slow.queryTask({ TaskId: TASK_ID }))).toMatchObject({ kind: 'timeout', code: 'Timeout' });
    const before = asked;
    const aborted = await failure(slow.queryTask({ TaskId: TASK_ID }, { signal: AbortSignal.abort() }));
    expect(aborted).toMatchObject({ kind: 'aborted' });
    expect(asked).toBe(before);
    expect(server.connections).toHaveLength(0);
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
