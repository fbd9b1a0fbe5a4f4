import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createIotMock, gatewayError, type IotMock, type IotMockOptions } from '@iot-task/msw';
import { type ActionDescriptor, actions } from '@iot-task/spec';
import { getResponse, type RequestHandler } from 'msw';

/**
 * The longest request head the spec's actions need: RPC parameters travel in the URL (the
 * official SDK puts even a 64 KiB JobDocument there), each character up to 12 bytes once
 * percent-encoded (4 UTF-8 bytes as %XX), plus 16 KiB for the rest of the head (Node's default,
 * enough for every action whose parameters are short). Bounded at 8 MiB.
 */
const LONGEST_REQUEST_HEAD = Math.min(
  8 * 1024 * 1024,
  16 * 1024 +
    Math.max(
      0,
      ...(Object.values(actions) as ActionDescriptor[]).map((d) =>
        d.parameters.reduce((sum, p) => sum + 12 * (p.schema.maxLength ?? 0), 0),
      ),
    ),
);

export interface MockServerOptions extends Omit<IotMockOptions, 'baseUrl' | 'control'> {
  /** @default 0 (a free port) */
  port?: number;
  /**
   * The control surface (`/__mock/`) answers requests for this host, for loopback ones and for
   * `allowedHosts`; the API answers any. @default '127.0.0.1' (loopback only)
   */
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
  /**
   * How long a client may take to send a request's head (request line and header fields), in
   * ms: a connection still sending it then (slowloris) is answered 408 and closed. @default 10000
   */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, head and body, in ms (as above). @default 30000 */
  requestTimeoutMs?: number;
}

export interface MockServer {
  /** e.g. `http://127.0.0.1:4010` */
  readonly url: string;
  readonly mock: IotMock;
  /** Stops accepting, ends open connections, resolves when closed. */
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

/** How many requests start per turn of the event loop (see `turns`). */
const REQUESTS_PER_TURN = 8;

/**
 * Node accepts one new connection per turn of its event loop, and a turn runs every request that
 * has arrived on the open connections: with hundreds of busy keep-alive connections a turn takes
 * long, and a new client waits to be accepted for seconds, tens of them. So at most `perTurn`
 * requests start per turn, first come first served; the others wait for the next turns
 * (`setImmediate`), turns stay short, and new connections are accepted within a second however
 * many are busy. `admit()` is undefined when the request may start at once.
 */
function turns(perTurn: number): { admit(): Promise<void> | undefined } {
  const waiting: (() => void)[] = [];
  let budget = perTurn;
  let scheduled = false;
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const spent = budget < perTurn;
      budget = perTurn;
      while (budget > 0 && waiting.length > 0) {
        budget -= 1;
        (waiting.shift() as () => void)();
      }
      if (spent || waiting.length > 0) schedule();
    });
  };
  return {
    admit() {
      schedule();
      if (budget > 0) {
        budget -= 1;
        return undefined;
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
  };
}

function checkTimeout(name: string, value: number): number {
  if (!(Number.isInteger(value) && value > 0))
    throw new RangeError(`${name}: expected a whole number of milliseconds above 0, received ${value}`);
  return value;
}

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
  const {
    port = 0,
    host = '127.0.0.1',
    handlers: wrap,
    maxBodyBytes = 65_536,
    headersTimeoutMs = 10_000,
    requestTimeoutMs = 30_000,
    ...mockOptions
  } = options;
  const requestTimeout = checkTimeout('requestTimeoutMs', requestTimeoutMs);
  // Node requires the head's timeout to be no longer than the whole request's.
  const headersTimeout = Math.min(checkTimeout('headersTimeoutMs', headersTimeoutMs), requestTimeout);
  // The control surface answers loopback hosts, and the host the server was told to listen on.
  const allowedHosts = [...(mockOptions.allowedHosts ?? []), /^[^[].*:/.test(host) ? `[${host}]` : host];
  const mock = createIotMock({ verifySignatures: true, ...mockOptions, allowedHosts, control: true });
  const handlers = wrap ? [...wrap(mock)] : mock.handlers;
  const sockets = new Set<Socket>();
  const queue = turns(REQUESTS_PER_TURN);
  let origin = '';

  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout,
      maxHeaderSize: LONGEST_REQUEST_HEAD,
      // How often Node looks for connections over those timeouts (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    async (req, res) => {
      const admitted = queue.admit();
      if (admitted) await admitted;
      // Gone while it waited (the client left, or the server closed): nothing to answer.
      if (req.socket.destroyed) return;
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
          // The control surface's rules (Host, origin) hold for stats too: the mock's own handlers
          // answer a refused request, and nothing else under /__mock/stats.
          const refused = await getResponse(mock.handlers, request);
          if (refused) {
            await send(res, refused);
            return;
          }
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
    },
  );
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Room for a burst of connections while the loop is busy (Node's default, 511, drops SYNs).
    server.listen({ port, host, backlog: 4096 }, () => {
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
