import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createIotMock, gatewayError, type IotMock, type IotMockOptions } from '@iot-task/msw';
import { getResponse, type RequestHandler } from 'msw';

export interface MockServerOptions extends Omit<IotMockOptions, 'baseUrl' | 'control'> {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' (loopback only) */
  host?: string;
  /**
   * The handlers the server answers with, given its mock — to serve the mock wrapped (a proxy in
   * front of it, a deliberately broken variant). @default the mock's own handlers
   */
  handlers?: (mock: IotMock) => readonly RequestHandler[];
  /**
   * Largest request body read, in bytes (RPC requests carry a few form parameters at most). A
   * larger one is answered `InvalidParameter` (HTTP 400) before anything else is done with it,
   * and its connection closed. @default 65536
   */
  maxBodyBytes?: number;
}

export interface MockServer {
  /** e.g. `http://127.0.0.1:4010` */
  readonly url: string;
  readonly mock: IotMock;
  /** Stops accepting, ends open connections, resolves when closed. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** The request as a WHATWG Request; the body read up to `limit` bytes, never further. */
async function toRequest(req: IncomingMessage, origin: string, limit: number): Promise<Request> {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && chunks.length > 0;
  // The path as sent, on this server's own origin: `//other.host/__mock/reset` is a path here,
  // never a URL naming another host (which would pass the control surface's origin check).
  return new Request(`${origin}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
  res.end(body);
}

/**
 * Serves the stateful mock of `@iot-task/msw` over real HTTP on loopback, with signature
 * verification and the quota on by default and the control surface under `/__mock/`
 * (`GET|POST /__mock/tasks`, `POST /__mock/faults`, `POST /__mock/reset`, `GET /__mock/log`,
 * `GET /__mock/stats`).
 * A `drop` fault really destroys the connection.
 *
 * @example
 * const server = await createMockServer({ port: 4010 });
 * const client = createIotTaskClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
 */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const { port = 0, host = '127.0.0.1', handlers: wrap, maxBodyBytes = 65_536, ...mockOptions } = options;
  const mock = createIotMock({ verifySignatures: true, ...mockOptions, control: true });
  const handlers = wrap ? [...wrap(mock)] : mock.handlers;
  const sockets = new Set<Socket>();
  let origin = '';

  const server: Server = createServer(async (req, res) => {
    try {
      if (!req.url?.startsWith('/')) {
        // An absolute-form or authority-form target (a proxy request): nothing is served that way.
        await send(res, Response.json({ error: `expected a request path, received ${req.url}` }, { status: 400 }));
        return;
      }
      let request: Request;
      try {
        request = await toRequest(req, origin, maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        const format = /[?&]Format=xml/i.test(req.url ?? '') ? 'XML' : 'JSON';
        res.setHeader('connection', 'close');
        await send(
          res,
          gatewayError('InvalidParameter', {
            format,
            message: `The request body is larger than ${maxBodyBytes} bytes.`,
          }),
        );
        req.socket.end();
        return;
      }
      if (new URL(request.url).pathname === '/__mock/stats') {
        // With --expose-gc, report what is retained rather than what awaits collection.
        (globalThis as { gc?: () => void }).gc?.();
        const memory = process.memoryUsage();
        await send(
          res,
          Response.json({
            rss: memory.rss,
            heapUsed: memory.heapUsed,
            nonces: mock.nonceCount,
            faults: mock.faults.pending,
          }),
        );
        return;
      }
      const response = await getResponse(handlers, request);
      if (!response) {
        await send(res, Response.json({ error: `nothing is served at ${req.method} ${req.url}` }, { status: 404 }));
      } else if (response.type === 'error') {
        req.socket.destroy();
      } else {
        await send(res, response);
      }
    } catch (error) {
      // A fault of the mock itself: answered as the gateway answers its own, never with a JS error.
      if (!res.headersSent) {
        const format = /[?&]Format=xml/i.test(req.url ?? '') ? 'XML' : 'JSON';
        await send(res, gatewayError('InternalError', { format, status: 500 }));
        process.emitWarning(`iot-task-mock: ${error instanceof Error ? error.message : String(error)}`);
      } else {
        res.destroy();
      }
    }
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    url: origin,
    mock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Pending latency faults end now, as dropped connections, so closing never waits on them.
        mock.dispose();
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
