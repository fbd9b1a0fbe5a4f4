import { QueryTaskExamples } from '@iot-task/spec';
import { verifyRequest } from '@iot-task/test-support/referenceSigner';
import { getResponse, HttpResponse, http } from 'msw';

export const TASK_ID = 'MSnT9***q010101';
export const ACCESS_KEY = { accessKeyId: 'test-key-id', accessKeySecret: 'test-secret-never-shown' } as const;
export const BASE_URL = 'https://iot.cn-shanghai.aliyuncs.com';

export interface SeenRequest {
  method: string;
  url: URL;
  action: string | null;
  params: Record<string, string>;
  headers: Record<string, string>;
  nonce: string | null;
  at: number;
}

export type Reply = (request: Request) => Response | Promise<Response>;

const okExample = QueryTaskExamples['200']['application/json'].Succeeded;
const okXmlExample = QueryTaskExamples['200']['text/xml'].Succeeded;
const json = { 'content-type': 'application/json;charset=utf-8' };
const xml = { 'content-type': 'text/xml;charset=utf-8' };

/** The example task (every field the spec requires), with fields overridden. */
export function taskData(data: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...okExample.Data, ...data };
}

/** The spec's success example about the task asked for (as the service answers), with `Data` fields overridden. */
export function ok(data: Record<string, unknown> = {}): Reply {
  return (request) => {
    const asked = new URL(request.url).searchParams.get('TaskId');
    return HttpResponse.json(
      { ...okExample, Data: { ...okExample.Data, ...(asked === null ? {} : { TaskId: asked }), ...data } },
      { headers: json },
    );
  };
}

/** The spec's XML success example, text replaced as given. */
export function okXml(replace: Record<string, string> = {}): Reply {
  return () => {
    let body: string = okXmlExample;
    for (const [from, to] of Object.entries(replace)) body = body.replace(from, to);
    return new HttpResponse(body, { headers: xml });
  };
}

export function businessError(code: string, message = 'failed'): Reply {
  return () =>
    HttpResponse.json(
      { RequestId: 'req-business', Success: false, Code: code, ErrorMessage: message },
      { headers: json },
    );
}

export function gatewayError(status: number, code: string, message = `${code} happened`): Reply {
  return () =>
    HttpResponse.json(
      {
        RequestId: `req-${code}`,
        HostId: 'iot.cn-shanghai.aliyuncs.com',
        Code: code,
        Message: message,
        Recommend: 'https://example.test',
      },
      { status, headers: json },
    );
}

export function raw(status: number, body: string, contentType: string, headers: Record<string, string> = {}): Reply {
  return () => new HttpResponse(body, { status, headers: { 'content-type': contentType, ...headers } });
}

export const networkError: Reply = () => HttpResponse.error();

export function delayed(ms: number, then: Reply): Reply {
  return async (request) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return then(request);
  };
}

/**
 * An MSW handler standing in for the IoT gateway: it checks every signature with the
 * reference verifier (a bad one is answered 400 SignatureDoesNotMatch, as the gateway does),
 * records the requests, and answers with the queued replies, then with `fallback`.
 */
export function fakeGateway(options: { secrets?: Record<string, string>; fallback?: Reply } = {}) {
  const secrets = options.secrets ?? { [ACCESS_KEY.accessKeyId]: ACCESS_KEY.accessKeySecret };
  const seen: SeenRequest[] = [];
  const queue: Reply[] = [];
  let fallback = options.fallback ?? ok();
  const handler = http.all('*/', async ({ request }) => {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    seen.push({
      method: request.method,
      url,
      action: url.searchParams.get('Action') ?? request.headers.get('x-acs-action'),
      params: Object.fromEntries(url.searchParams),
      headers,
      nonce: url.searchParams.get('SignatureNonce') ?? request.headers.get('x-acs-signature-nonce'),
      at: performance.now(),
    });
    const failure = verifyRequest(request, secrets);
    if (failure) return gatewayError(failure === 'InvalidAccessKeyId.NotFound' ? 404 : 400, failure)(request);
    return (queue.shift() ?? fallback)(request);
  });
  return {
    handler,
    /**
     * The same gateway as a `fetch` answered in-process (no socket, only promises), for tests on
     * the fake clock. @iot-task/msw publishes this as `fetchFromHandlers`; the client's tests
     * cannot depend on that package (it depends on this one).
     */
    fetch: (async (input, init) => {
      const request = new Request(input, init);
      request.signal.throwIfAborted();
      const aborted = new Promise<never>((_, reject) => {
        request.signal.addEventListener('abort', () => reject(request.signal.reason), { once: true });
      });
      const response = await Promise.race([getResponse([handler], request), aborted]);
      if (!response || response.type === 'error') throw new TypeError('fetch failed');
      return response;
    }) as typeof fetch,
    seen,
    /** Answer the next requests with these replies, in order. */
    reply(...replies: Reply[]) {
      queue.push(...replies);
    },
    setFallback(reply: Reply) {
      fallback = reply;
    },
  };
}
