/**
 * The send stage over `node:http`/`node:https` with keep-alive agents: on Node it costs about a
 * third of `fetch` per call (no WHATWG Request/Response/stream objects; decisions/node-transport.md).
 * Loaded only on Node, on the first call (createIotTaskCore), so browser bundles never load it.
 * Same contract as fetchSend: redirects refused, the attempt's signal aborts the exchange at any
 * point, the body (gzip, deflate or br decoded, as fetch does) read up to a cap.
 */
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type * as Zlib from 'node:zlib';
import type { IncomingResponse, OutgoingRequest, Send } from './send.ts';
import { type SendErrors, sendErrors } from './sendErrors.ts';

interface NodeModules {
  http: typeof Http;
  https: typeof Https;
  zlib: typeof Zlib;
}

interface Origin {
  secure: boolean;
  hostname: string;
  port: string;
  /** The `Host` header: given explicitly, since the headers go as a raw list. */
  host: string;
}

type Decoder = Zlib.Gunzip | Zlib.Inflate | Zlib.InflateRaw | Zlib.BrotliDecompress;

/** Every value a header was given, in order (Node's `headers` keeps only the first of some). */
function allValues(response: Http.IncomingMessage, name: string): string[] {
  const values: string[] = [];
  const raw = response.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) values.push(raw[i + 1] as string);
  }
  return values;
}

/**
 * A header as fetch reads it: every value of a repeated header, joined with `, `. Node's parsed
 * `headers` already holds the single value in the usual case; only a header Node may have
 * deduplicated is looked up again in the raw list.
 */
function headerOf(response: Http.IncomingMessage, name: string, repeated: boolean): string | undefined {
  const value = response.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(', ');
  return repeated && SINGLE_VALUED.has(name) ? allValues(response, name).join(', ') : value;
}

/** Whether any header came more than once (Node then holds fewer names than the raw list). */
function hasRepeatedHeaders(response: Http.IncomingMessage): boolean {
  let names = 0;
  for (const _ in response.headers) names++;
  return names * 2 < response.rawHeaders.length;
}

// Headers Node keeps the first of when repeated (the rest it joins itself); among them, the ones
// an answer is read by.
const SINGLE_VALUED = new Set(['content-type', 'retry-after', 'location', 'content-length']);

/** How a kept-alive socket the server closed meanwhile fails a request written on it. */
function isStaleSocket(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up';
}

/** RFC 1950's two-byte header: compression method 8, and the pair a multiple of 31. */
function isZlibWrapped(bytes: Buffer): boolean {
  const [cmf = 0, flg = 0] = bytes;
  return bytes.length >= 2 && (cmf & 0x0f) === 8 && (cmf * 256 + flg) % 31 === 0;
}

/**
 * One content coding's decoder, or undefined for identity and for a coding this Node cannot
 * undo — as fetch does, such a body is read as it came (and fails to parse if it is not text).
 */
function decoderOf(zlib: typeof Zlib, coding: string, first: Buffer | undefined): Decoder | undefined {
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  switch (coding) {
    case '':
    case 'identity':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(flush);
    case 'deflate':
      // As fetch does: zlib-wrapped (RFC 1950) as the spec says, or raw deflate as some servers send.
      return first && isZlibWrapped(first) ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return (zlib as unknown as { createZstdDecompress?: () => Decoder }).createZstdDecompress?.();
    default:
      return undefined;
  }
}

/**
 * A body under several content codings (`deflate, br`), undone one after the other as a whole:
 * each decoder sees its own input from its first byte (how a `deflate` inside another coding is
 * wrapped shows only there), and none may give more than `limit` bytes. Such bodies are rare and
 * small; a single coding streams (readCapped).
 */
function decodeWhole(zlib: typeof Zlib, codings: readonly string[], body: Buffer, limit: number): Buffer {
  const options = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: limit + 1 };
  let out = body;
  for (const coding of codings) {
    if (coding === 'gzip' || coding === 'x-gzip') out = zlib.gunzipSync(out, options);
    else if (coding === 'deflate')
      out = isZlibWrapped(out) ? zlib.inflateSync(out, options) : zlib.inflateRawSync(out, options);
    else if (coding === 'br') out = zlib.brotliDecompressSync(out, { maxOutputLength: limit + 1 });
    else if (coding === 'zstd') {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Buffer, o: object) => Buffer }).zstdDecompressSync;
      if (zstd) out = zstd(out, { maxOutputLength: limit + 1 });
    }
  }
  return out;
}

// Decoding a whole buffer keeps no state between calls, so one decoder serves every response.
const utf8 = new TextDecoder();

/**
 * Reads a response as text, decoding its content codings (a list is applied last to first, as
 * fetch does), and stops (closing the socket) past `limit` bytes after decoding.
 */
function readCapped(
  response: Http.IncomingMessage,
  zlib: typeof Zlib,
  errors: SendErrors,
  limit: number,
  status: number,
  requestId: string | undefined,
): Promise<string> {
  const codings = (response.headers['content-encoding'] === undefined ? [] : allValues(response, 'content-encoding'))
    .flatMap((value) => value.split(','))
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const decoders: Decoder[] = [];
    let bytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      response.destroy();
      for (const decoder of decoders) decoder.destroy();
      reject(error);
    };
    const take = (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > limit) {
        fail(errors.tooLarge(status, limit, utf8.decode(Buffer.concat(chunks).subarray(0, 1000)), requestId));
        return;
      }
      chunks.push(chunk);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      // TextDecoder, as fetch's text() does: a leading byte order mark is dropped.
      resolve(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    };
    const start = (first: Buffer | undefined) => {
      let source: NodeJS.ReadableStream = response;
      for (const coding of codings) {
        const decoder = decoderOf(zlib, coding, decoders.length === 0 ? first : undefined);
        if (!decoder) continue;
        decoders.push(decoder);
        // The server's body is not what its Content-Encoding says: asking again gets the same.
        decoder.on('error', (error: Error) =>
          fail(errors.badEncoding(status, `${coding}: ${error.message}`, requestId)),
        );
        source = source.pipe(decoder);
      }
      source.on('data', take);
      source.on('end', finish);
      if (first) {
        if (decoders[0]) decoders[0].write(first);
        else take(first);
      }
    };
    response.on('error', fail);
    // A connection that ends before the body does is not an answer.
    response.on('close', () => {
      if (!response.complete) fail(new Error('the connection closed before the answer was complete'));
    });
    if (codings.length > 1) {
      response.on('data', take);
      response.on('end', () => {
        if (settled) return;
        let decoded: Buffer;
        try {
          decoded = decodeWhole(zlib, codings, Buffer.concat(chunks), limit);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          fail(
            code === 'ERR_BUFFER_TOO_LARGE'
              ? errors.tooLarge(status, limit, '', requestId)
              : errors.badEncoding(status, `${codings.join(', ')}: ${(error as Error).message}`, requestId),
          );
          return;
        }
        if (decoded.byteLength > limit) {
          fail(errors.tooLarge(status, limit, utf8.decode(decoded.subarray(0, 1000)), requestId));
          return;
        }
        settled = true;
        resolve(utf8.decode(decoded));
      });
    } else if (codings.length === 0) start(undefined);
    else {
      // The first bytes decide how a `deflate` body is wrapped.
      response.once('data', (first: Buffer) => {
        response.pause();
        start(first);
        response.resume();
      });
      response.once('end', () => {
        if (decoders.length === 0 && !settled) start(undefined);
      });
    }
  });
}

function rawHeaders(method: string, host: string, headers: Readonly<Record<string, string>>): string[] {
  // A raw list is written as given: a POST with no body must say so, or Node sends it chunked.
  const raw = method === 'POST' ? ['host', host, 'content-length', '0'] : ['host', host];
  for (const name in headers) raw.push(name, headers[name] as string);
  return raw;
}

/**
 * A kept-alive socket idle this long is closed, as undici closes its own after 4 s: a NAT or a
 * load balancer may have dropped it silently, and a request sent on it would wait out its
 * attempt's timeout. One sweep every half second while any socket is idle, instead of a socket
 * timer refreshed on every read and write.
 */
const IDLE_SOCKET_MS = 3_500;
const SWEEP_MS = 500;

function withIdleLimit<T extends { http: Http.Agent; https: Https.Agent }>(agents: T): T {
  const idleSince = new WeakMap<object, number>();
  let sweep: ReturnType<typeof setInterval> | undefined;
  const sweepIdle = () => {
    const now = Date.now();
    let idle = 0;
    for (const agent of [agents.http, agents.https]) {
      for (const sockets of Object.values(agent.freeSockets)) {
        for (const socket of sockets ?? []) {
          if (now - (idleSince.get(socket) ?? now) >= IDLE_SOCKET_MS) socket.destroy();
          else idle++;
        }
      }
    }
    if (idle === 0 && sweep !== undefined) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };
  for (const agent of [agents.http, agents.https]) {
    agent.on('free', (socket: object) => {
      idleSince.set(socket, Date.now());
      if (sweep === undefined) {
        sweep = setInterval(sweepIdle, SWEEP_MS);
        sweep.unref();
      }
    });
  }
  return agents;
}

let sharedAgents: { http: Http.Agent; https: Https.Agent } | undefined;

/**
 * A send stage over node:http(s). One keep-alive agent per protocol, shared by every client of
 * the process (as fetch shares its dispatcher); idle sockets do not keep the process alive.
 */
export function nodeHttpSend(errors: SendErrors = sendErrors): Send {
  // Imports nothing of the runtime (errors come in), so a bundle splits it off whole.
  const { getBuiltinModule } = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } })
    .process;
  const modules: NodeModules = {
    http: getBuiltinModule('node:http') as typeof Http,
    https: getBuiltinModule('node:https') as typeof Https,
    zlib: getBuiltinModule('node:zlib') as typeof Zlib,
  };
  sharedAgents ??= withIdleLimit({
    http: new modules.http.Agent({ keepAlive: true }),
    https: new modules.https.Agent({ keepAlive: true }),
  });
  const agents = sharedAgents;
  // Endpoints are few per client: parse each origin once.
  const origins = new Map<string, Origin>();
  const originOf = (url: string): { origin: Origin; path: string } => {
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    const key = slash === -1 ? url : url.slice(0, slash);
    let origin = origins.get(key);
    if (!origin) {
      const parsed = new URL(key);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new TypeError(`cannot send to ${parsed.protocol} (http: or https: only)`);
      }
      origin = {
        secure: parsed.protocol === 'https:',
        hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: parsed.port,
        host: parsed.host,
      };
      origins.set(key, origin);
    }
    return { origin, path: slash === -1 ? '/' : url.slice(slash) };
  };

  /**
   * One exchange. A request written on a kept-alive socket the server had just closed fails
   * before any answer (ECONNRESET, EPIPE, "socket hang up"): it never reached the server, so it
   * goes once more, on a connection of its own — as Node's documentation advises, and as fetch
   * does — whatever the call's retry policy.
   */
  const exchange = (request: OutgoingRequest, signal: AbortSignal, fresh: boolean) =>
    new Promise<IncomingResponse>((resolve, reject) => {
      const { origin, path } = originOf(request.url);
      let answered = false;
      const requestOptions: Http.RequestOptions = {
        method: request.method,
        hostname: origin.hostname,
        path,
        // A raw header list (as `rawHeaders`): written as given, one pass, no header map to build.
        headers: rawHeaders(request.method, origin.host, request.headers),
        // A request sent again goes on a new connection, never on another idle one.
        agent: fresh ? false : origin.secure ? agents.https : agents.http,
      };
      if (origin.port) requestOptions.port = origin.port;
      const outgoing = (origin.secure ? modules.https : modules.http).request(requestOptions, (response) => {
        answered = true;
        let repeated: boolean | undefined;
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = response.headers.location;
          response.destroy();
          reject(errors.redirect(status, location, request.url, headerOf(response, 'x-acs-request-id', false)));
          return;
        }
        resolve({
          status,
          header: (name) => {
            repeated ??= hasRepeatedHeaders(response);
            return headerOf(response, name.toLowerCase(), repeated);
          },
          text: (limit) =>
            readCapped(response, modules.zlib, errors, limit, status, headerOf(response, 'x-acs-request-id', false)),
        });
      });
      // The attempt's signal ends the exchange at any point: before the answer, or while its body
      // arrives (the response errors, and its reader with it).
      const abort = () => outgoing.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (signal.aborted) abort();
      else {
        signal.addEventListener('abort', abort, { once: true });
        outgoing.once('close', () => signal.removeEventListener('abort', abort));
      }
      let settled = false;
      const failed = (error: Error) => {
        if (settled) return;
        settled = true;
        if (!answered && !fresh && outgoing.reusedSocket && !signal.aborted && isStaleSocket(error)) {
          exchange(request, signal, true).then(resolve, reject);
        } else reject(error);
      };
      outgoing.on('error', failed);
      // A 101 (or any upgrade) is no answer the API gives; nor is a request closed without one.
      outgoing.on('upgrade', (_response, socket) => {
        socket.destroy();
        failed(new Error('the server switched protocols (HTTP 101) instead of answering'));
      });
      outgoing.once('close', () => {
        if (!answered) failed(new Error('the connection closed before an answer'));
      });
      outgoing.end();
    });

  return (request: OutgoingRequest, signal: AbortSignal) => exchange(request, signal, false);
}
