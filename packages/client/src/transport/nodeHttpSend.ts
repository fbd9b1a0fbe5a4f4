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
import type { SendErrors } from './sendErrors.ts';

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

function decoderFor(
  zlib: typeof Zlib,
  encoding: string | undefined,
): Zlib.Gunzip | Zlib.Inflate | Zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'deflate':
      return zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

// Decoding a whole buffer keeps no state between calls, so one decoder serves every response.
const utf8 = new TextDecoder();

/** Reads a response as text, decoding its content encoding, and stops (closing the socket) past `limit` bytes. */
function readCapped(
  response: Http.IncomingMessage,
  zlib: typeof Zlib,
  errors: SendErrors,
  limit: number,
  status: number,
): Promise<string> {
  const decoder = decoderFor(zlib, response.headers['content-encoding'] as string | undefined);
  const source = decoder ? response.pipe(decoder) : response;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      response.destroy();
      decoder?.destroy();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > limit) {
        fail(errors.tooLarge(status, limit, new TextDecoder().decode(Buffer.concat(chunks).subarray(0, 800))));
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      // TextDecoder, as fetch's text() does: a leading byte order mark is dropped.
      resolve(utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    });
    source.on('error', fail);
    if (decoder) response.on('error', fail);
    // A connection that ends before the body does is not an answer.
    response.on('close', () => {
      if (!response.complete) fail(new Error('the connection closed before the answer was complete'));
    });
  });
}

function rawHeaders(host: string, headers: Readonly<Record<string, string>>): string[] {
  const raw = ['host', host];
  for (const name in headers) raw.push(name, headers[name] as string);
  return raw;
}

let sharedAgents: { http: Http.Agent; https: Https.Agent } | undefined;

/**
 * A send stage over node:http(s). One keep-alive agent per protocol, shared by every client of
 * the process (as fetch shares its dispatcher); idle sockets do not keep the process alive.
 */
export function nodeHttpSend(errors: SendErrors): Send {
  // Imports nothing of the runtime (errors come in), so a bundle splits it off whole.
  const { getBuiltinModule } = (globalThis as unknown as { process: { getBuiltinModule(id: string): unknown } })
    .process;
  const modules: NodeModules = {
    http: getBuiltinModule('node:http') as typeof Http,
    https: getBuiltinModule('node:https') as typeof Https,
    zlib: getBuiltinModule('node:zlib') as typeof Zlib,
  };
  sharedAgents ??= {
    http: new modules.http.Agent({ keepAlive: true }),
    https: new modules.https.Agent({ keepAlive: true }),
  };
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

  return (request: OutgoingRequest, signal: AbortSignal) =>
    new Promise<IncomingResponse>((resolve, reject) => {
      const { origin, path } = originOf(request.url);
      const requestOptions: Http.RequestOptions = {
        method: request.method,
        hostname: origin.hostname,
        path,
        // A raw header list (as `rawHeaders`): written as given, one pass, no header map to build.
        // A POST with no body: end() below sends `Content-Length: 0`.
        headers: rawHeaders(origin.host, request.headers),
        agent: origin.secure ? agents.https : agents.http,
      };
      if (origin.port) requestOptions.port = origin.port;
      const outgoing = (origin.secure ? modules.https : modules.http).request(requestOptions, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = response.headers.location;
          response.destroy();
          reject(errors.redirect(status, location, request.url));
          return;
        }
        resolve({
          status,
          header: (name) => {
            const value = response.headers[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          text: (limit) => readCapped(response, modules.zlib, errors, limit, status),
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
      outgoing.on('error', reject);
      outgoing.end();
    });
}
