import { type ActionDescriptor, actions } from '@iot-task/spec';
import { describeValue } from './checkOptions.ts';
import { type ActionName, createIotTaskClient } from './createIotTaskClient.ts';
import { type Credentials, type CredentialsProvider, fromEnv } from './credentials.ts';
import { describeThrown, isIotTaskError } from './errors.ts';
import { browserParams } from './signingProxy/browserParams.ts';
import { proxySettings, type SigningProxyOptions } from './signingProxy/proxyOptions.ts';
import { type BodyRefusal, readBody } from './signingProxy/readBody.ts';

export type { SigningProxyOptions };

const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' };

/** An error in the gateway's own shape (`RequestId`, `Code`, `Message`), as the browser's client reads one. */
function gatewayBody(requestId: string | undefined, code: string, message: string): Record<string, unknown> {
  return { RequestId: requestId ?? crypto.randomUUID().toUpperCase(), Code: code, Message: message };
}

const REFUSED_BODY: Readonly<Record<BodyRefusal, (limit: number, timeoutMs: number) => [number, string, string]>> = {
  'too-large': (limit) => [400, 'InvalidParameter', `The request body is larger than ${limit} bytes.`],
  stalled: (_, timeoutMs) => [408, 'RequestTimeout', `The request body did not arrive within ${timeoutMs} ms.`],
  broken: () => [400, 'InvalidParameter', 'The request body could not be read to its end.'],
};

/** Whether a value is a fetch `Request` (of this realm or another: checked by shape, not class). */
function isRequest(value: unknown): value is Request {
  const request = value as Partial<Request> | null;
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof request.method === 'string' &&
    typeof request.url === 'string' &&
    typeof request.headers?.get === 'function'
  );
}

/** Whatever the server's onError does (throw, reject), the browser's answer is not changed by it. */
function report(onError: SigningProxyOptions['onError'], error: unknown, request: Request): void {
  if (!onError) return;
  const warn = (thrown: unknown) =>
    console.warn(`iot-task: the signing proxy's onError threw: ${describeThrown(thrown)}`);
  try {
    const returned: unknown = onError(error, request);
    if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
      (returned as PromiseLike<unknown>).then(undefined, warn);
    }
  } catch (thrown) {
    warn(thrown);
  }
}

/** How many recent credentials are remembered for masking: rotation keeps at most a few in use. */
const REMEMBERED = 4;

/**
 * A same-origin endpoint for browser apps: a fetch-style `(Request) => Response` handler (Node
 * servers via a tiny adapter, edge runtimes and service workers as is). It takes unsigned RPC
 * requests (`createIotTaskClient({ endpoint: '/api/iot', signatureVersion: 'none' })`),
 * forwards only the allowed actions with only their own parameters, signs them with the
 * server's credentials, keeps the account's quota (in this process, or shared with the proxy's
 * other instances when given `quota: redisQuota(…)` from @iot-task/quota-redis), and answers in the
 * service's JSON shapes: the result, a business error (HTTP 200, `Success: false`) or a gateway
 * error with its status. Nothing it answers carries a credential or any other signing material.
 * Its options are checked now: a mistake is a ValidationError naming the option.
 *
 * @example
 * const proxy = createSigningProxy({ region: 'cn-shanghai' }); // credentials from the environment
 * export default { fetch: (request) => proxy(request) }; // an edge worker
 */
export function createSigningProxy(options: SigningProxyOptions = {}): (request: Request) => Promise<Response> {
  const { allowed, maxRequestBytes, requestBodyTimeoutMs, onError, client: clientOptions } = proxySettings(options);
  // The credentials signed with lately, by AccessKey ID, so that every answer is masked of them
  // whatever the service quoted; a provider (the environment, by default) is asked as before.
  const signedWith = new Map<string, Credentials>();
  const remember = (given: Credentials): void => {
    try {
      // Read once into a plain record: the same record while the key is unchanged, so the
      // masking patterns built for it are built once (redactSecrets.ts keeps them per object).
      const { accessKeyId, accessKeySecret, securityToken } = given;
      if (typeof accessKeyId !== 'string' || typeof accessKeySecret !== 'string') return;
      const known = signedWith.get(accessKeyId);
      const same = known?.accessKeySecret === accessKeySecret && known.securityToken === securityToken;
      signedWith.delete(accessKeyId);
      signedWith.set(accessKeyId, same && known ? known : { accessKeyId, accessKeySecret, securityToken });
      if (signedWith.size > REMEMBERED) signedWith.delete(signedWith.keys().next().value as string);
    } catch {
      // Credentials that cannot be read are the client's to name (CredentialsError), not ours.
    }
  };
  const source = clientOptions.credentials;
  let credentials: Credentials | CredentialsProvider | undefined = source;
  if (typeof source === 'object' && source !== null) remember(source);
  else if (source === undefined || typeof source === 'function') {
    const provider = source ?? fromEnv();
    credentials = async () => {
      const resolved = await provider();
      if (typeof resolved === 'object' && resolved !== null) remember(resolved);
      return resolved;
    };
  }
  const client = createIotTaskClient({ ...clientOptions, credentials, format: 'JSON' });

  /** Every answer leaves through here, so none carries what the request was signed with. */
  // The masking loads with the first answer, not with the client: an app that never runs a proxy
  // (a browser) keeps it out of what it loads up front, with the secret masking it shares with the
  // signer (signedAttempt.ts).
  const answer = async (status: number, body: Record<string, unknown>): Promise<Response> => {
    const { maskSigningMaterial } = await import('./signingProxy/maskSigningMaterial.ts');
    return new Response(JSON.stringify(maskSigningMaterial(body, [...signedWith.values()])), {
      status,
      headers: JSON_HEADERS,
    });
  };
  const refuse = (status: number, code: string, message: string) =>
    answer(status, gatewayBody(undefined, code, message));

  return async (request) => {
    // Called with a Node IncomingMessage, a URL or nothing: say so here, not as a crash inside.
    if (!isRequest(request)) {
      throw new TypeError(
        `createSigningProxy's handler takes a fetch Request (new Request(url, init)); received ${describeValue(request)}`,
      );
    }
    if (request.method !== 'GET' && request.method !== 'POST') {
      return refuse(405, 'InvalidApi.NotFound', `${request.method} is not served here`);
    }
    const url = new URL(request.url);
    const isForm =
      request.method === 'POST' &&
      /application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? '');
    const body = isForm ? await readBody(request, maxRequestBytes, requestBodyTimeoutMs) : { text: '' };
    if ('refused' in body) return refuse(...REFUSED_BODY[body.refused](maxRequestBytes, requestBodyTimeoutMs));
    // Every value of every parameter, query and form body together (browserParams refuses one given twice).
    const given = new Map<string, string[]>();
    const add = (name: string, value: string) => {
      const values = given.get(name);
      if (values) values.push(value);
      else given.set(name, [value]);
    };
    for (const [name, value] of url.searchParams) add(name, value);
    for (const [name, value] of new URLSearchParams(body.text)) add(name, value);
    const header = request.headers.get('x-acs-action');
    if (header !== null) add('Action', header);
    const repeated = (name: string, times: number) => {
      const where = name === 'Action' && header !== null ? ' (the Action parameter and the x-acs-action header)' : '';
      return refuse(400, 'InvalidParameter', `${name} is given ${times} times${where}: send it once.`);
    };
    const actionValues = given.get('Action') ?? [];
    if (actionValues.length > 1) return repeated('Action', actionValues.length);
    const action = actionValues[0] ?? '';
    if (!allowed.has(action)) {
      return refuse(403, 'Forbidden.Action', `this proxy does not forward ${JSON.stringify(action)}`);
    }
    const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action] as ActionDescriptor;
    const read = browserParams(descriptor, given);
    if ('repeated' in read) return repeated(read.repeated.name, read.repeated.times);
    if ('invalid' in read) return refuse(400, `Invalid${read.invalid.name}`, read.invalid.reason);
    const own = read.params;
    try {
      const result = await client.call(action as ActionName, own as never, { signal: request.signal });
      return answer(200, result as Record<string, unknown>);
    } catch (error) {
      report(onError, error, request);
      if (!isIotTaskError(error)) return refuse(500, 'InternalError', 'the proxy failed');
      switch (error.kind) {
        case 'business':
          return answer(200, {
            RequestId: error.requestId,
            Success: false,
            Code: error.code,
            ErrorMessage: error.message,
          });
        case 'gateway':
          return answer(error.httpStatus ?? 502, gatewayBody(error.requestId, error.code, error.message));
        case 'validation':
          return refuse(400, `Invalid${error.field}`, error.message);
        case 'credentials':
          // The server's problem; the browser learns no more than that.
          return refuse(500, 'InternalError', 'the proxy has no usable credentials');
        case 'timeout':
          return refuse(504, 'Timeout', error.message);
        case 'network':
          // The raw error names the service's address (host, port, `ECONNREFUSED …`): the server's
          // to know (onError), not the browser's.
          return refuse(502, 'BadGateway', 'The proxy could not reach the service; try again later.');
        default:
          // An answer that could not be used (a redirect, drift, …) or the proxy's own failure:
          // its code says which; its words (a redirect's target, say) stay with the server.
          return answer(
            502,
            gatewayBody(error.requestId, error.code, `The proxy could not complete ${action} (${error.code}).`),
          );
      }
    }
  };
}
