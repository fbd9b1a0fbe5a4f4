import { type ActionDescriptor, actions } from '@iot-task/spec';
import { integerIn } from './checkOptions.ts';
import { type ActionName, createIotTaskClient } from './createIotTaskClient.ts';
import type { IotTaskClientOptions } from './createIotTaskCore.ts';
import { isIotTaskError } from './errors.ts';

export interface SigningProxyOptions extends Omit<IotTaskClientOptions, 'signatureVersion' | 'format'> {
  /** The only actions forwarded; anything else is refused. @default ['QueryTask'] */
  allowedActions?: readonly ActionName[];
  /** Largest request body read from the browser, in bytes; a larger one is refused unread. @default 65536 */
  maxRequestBytes?: number;
  /** How requests are signed upstream. @default 'v3' */
  signatureVersion?: 'v3' | 'v1';
}

const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' };

function gatewayBody(requestId: string | undefined, code: string, message: string): string {
  return JSON.stringify({ RequestId: requestId ?? crypto.randomUUID().toUpperCase(), Code: code, Message: message });
}

/** A request body as text, or undefined (and the rest left unread) once it passes `limit` bytes. */
async function readCapped(request: Request, limit: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return undefined;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * A same-origin endpoint for browser apps: a fetch-style `(Request) => Response` handler (Node
 * servers via a tiny adapter, edge runtimes and service workers as is). It takes unsigned RPC
 * requests (`createIotTaskClient({ endpoint: '/api/iot', signatureVersion: 'none' })`),
 * forwards only the allowed actions with only their own parameters, signs them with the
 * server's credentials, keeps the account's quota (in this process, or shared with the proxy's
 * other instances when given `quota: redisQuota(…)` from @iot-task/quota-redis), and answers in the
 * service's JSON shapes: the result, a business error (HTTP 200, `Success: false`) or a gateway
 * error with its status. Nothing it answers carries a credential.
 *
 * @example
 * const proxy = createSigningProxy({ region: 'cn-shanghai' }); // credentials from the environment
 * export default { fetch: (request) => proxy(request) }; // an edge worker
 */
export function createSigningProxy(options: SigningProxyOptions = {}): (request: Request) => Promise<Response> {
  const { allowedActions = ['QueryTask'], maxRequestBytes: maxBytes, ...clientOptions } = options;
  const maxRequestBytes = integerIn('maxRequestBytes', maxBytes, 65_536, 0, 2 ** 30);
  const client = createIotTaskClient({ ...clientOptions, format: 'JSON' });
  const allowed = new Set<string>(allowedActions);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return new Response(gatewayBody(undefined, 'InvalidApi.NotFound', `${request.method} is not served here`), {
        status: 405,
        headers: JSON_HEADERS,
      });
    }
    const url = new URL(request.url);
    const isForm =
      request.method === 'POST' &&
      /application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? '');
    const body = isForm ? await readCapped(request, maxRequestBytes) : '';
    if (body === undefined) {
      return new Response(
        gatewayBody(undefined, 'InvalidParameter', `The request body is larger than ${maxRequestBytes} bytes.`),
        { status: 400, headers: JSON_HEADERS },
      );
    }
    const form = new URLSearchParams(body);
    const params = new Map([...form, ...url.searchParams]);
    const action = params.get('Action') ?? request.headers.get('x-acs-action') ?? '';
    if (!allowed.has(action)) {
      return new Response(
        gatewayBody(undefined, 'Forbidden.Action', `this proxy does not forward ${JSON.stringify(action)}`),
        {
          status: 403,
          headers: JSON_HEADERS,
        },
      );
    }
    const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action] as ActionDescriptor;
    // Only the action's own parameters go on: whatever else the browser sent is dropped.
    const own: Record<string, string | number> = {};
    for (const param of descriptor.parameters) {
      const value = params.get(param.name);
      if (value === undefined) continue;
      own[param.name] = param.schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
    }
    try {
      const body = await client.call(action as ActionName, own as never, { signal: request.signal });
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: JSON_HEADERS,
      });
    } catch (error) {
      if (!isIotTaskError(error)) {
        return new Response(gatewayBody(undefined, 'InternalError', 'the proxy failed'), {
          status: 500,
          headers: JSON_HEADERS,
        });
      }
      switch (error.kind) {
        case 'business':
          return new Response(
            JSON.stringify({
              RequestId: error.requestId,
              Success: false,
              Code: error.code,
              ErrorMessage: error.message,
            }),
            { status: 200, headers: JSON_HEADERS },
          );
        case 'gateway':
          return new Response(gatewayBody(error.requestId, error.code, error.message), {
            status: error.httpStatus ?? 502,
            headers: JSON_HEADERS,
          });
        case 'validation':
          return new Response(gatewayBody(undefined, `Invalid${error.field}`, error.message), {
            status: 400,
            headers: JSON_HEADERS,
          });
        case 'credentials':
          // The server's problem; the browser learns no more than that.
          return new Response(gatewayBody(undefined, 'InternalError', 'the proxy has no usable credentials'), {
            status: 500,
            headers: JSON_HEADERS,
          });
        case 'timeout':
          return new Response(gatewayBody(undefined, 'Timeout', error.message), { status: 504, headers: JSON_HEADERS });
        default:
          return new Response(gatewayBody(error.requestId, error.code, error.message), {
            status: 502,
            headers: JSON_HEADERS,
          });
      }
    }
  };
}
