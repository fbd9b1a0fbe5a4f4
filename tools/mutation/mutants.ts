import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { decodeXmlBody } from '@iot-task/client/xml';
import type { GatewayChecks } from '@iot-task/msw';
import { businessError, gatewayError, rpcResponse, TEST_CREDENTIALS } from '@iot-task/msw';
import { canonicalizeRpcQuery, rpcStringToSign } from '@iot-task/signing';
import { actions, examples, TaskStatusTerminalValues } from '@iot-task/spec';
import {
  type Answer,
  body,
  data,
  dropField,
  errors,
  isJson,
  isXml,
  type Rewrite,
  renameCode,
  renameStatus,
  setField,
  statusFor,
} from './mutantHandler.ts';
import { type WireRewrite, withHead } from './wireProxy.ts';

/**
 * A deliberately broken mock: some gateway checks switched off, or its answers rewritten (or
 * both). The contract kit must notice every one — unless the spec allows what it does, which makes
 * it an equivalent mutant (`equivalent` says why), which the kit must then let pass.
 */
export interface Mutant {
  id: string;
  category: string;
  description: string;
  /** Gateway checks switched off, for every request or for those a function picks. */
  checks?: Partial<GatewayChecks> | ((request: Request, now: number) => Partial<GatewayChecks>);
  /** The mock's quota times this (a gateway that lets more through than it should). */
  quotaScale?: number;
  rewrite?: Rewrite;
  /**
   * A lie below HTTP: the answers' bytes rewritten by a TCP proxy between the kit and the mock
   * server. In-process there are no bytes on a wire: such a mutant is judged there by its
   * `rewrite` (the same lie in a Response) or, without one, over HTTP only.
   */
  wire?: WireRewrite;
  /** Over HTTP, each source address is served by a mock of its own: a quota per address, not per account. */
  quotaPerSourceAddress?: true;
  equivalent?: string;
}

/** How a request travels: what a per-variant mutant decides by. */
function variantOf(request: Request): { signature: 'v1' | 'v3' | 'none'; method: string; format: string } {
  const url = new URL(request.url);
  return {
    signature: request.headers.has('authorization') ? 'v3' : url.searchParams.has('Signature') ? 'v1' : 'none',
    method: request.method,
    format: (
      url.searchParams.get('Format') ?? (/json/i.test(request.headers.get('accept') ?? '') ? 'JSON' : 'XML')
    ).toUpperCase(),
  };
}

/** The request time a request carries (V1 `Timestamp`, V3 `x-acs-date`), in epoch ms. */
function requestTime(request: Request): number {
  const text = new URL(request.url).searchParams.get('Timestamp') ?? request.headers.get('x-acs-date') ?? '';
  return Date.parse(text);
}

/**
 * Whether a V1 request's signature passes a lenient comparison with the right one (computed with
 * the mock's test secret): how a mutant compares signatures carelessly.
 */
function v1SignaturePasses(request: Request, compare: (sent: string, right: string) => boolean): boolean {
  const url = new URL(request.url);
  const sent = url.searchParams.get('Signature');
  if (sent === null) return false;
  const params = Object.fromEntries([...url.searchParams].filter(([name]) => name !== 'Signature'));
  const secret = TEST_CREDENTIALS.accessKeySecret;
  const right = createHmac('sha1', `${secret}&`)
    .update(rpcStringToSign(request.method, canonicalizeRpcQuery(params)))
    .digest('base64');
  return sent !== right && compare(sent, right);
}

/** Rewrites only the answers to requests that `when` picks. */
function onlyWhen(when: (request: Request) => boolean, rewrite: Rewrite): Rewrite {
  return (answer, context) => (when(context.request) ? rewrite(answer, context) : answer);
}

const xmlRoot = actions.QueryTask.xmlRoot;

/** Answers XML where JSON was asked for (the Format parameter ignored). */
const xmlForJson: Rewrite = (answer) => {
  if (!isJson(answer)) return answer;
  const parsed = JSON.parse(answer.text) as Record<string, unknown>;
  const xml = rpcResponse(parsed, {
    format: 'XML',
    xmlRoot: answer.status >= 400 ? 'Error' : xmlRoot,
    status: answer.status,
  });
  const headers = new Headers(answer.headers);
  headers.set('content-type', 'text/xml;charset=utf-8');
  return xml.text().then((text) => ({ status: answer.status, headers, text }));
};

/** Answers JSON where XML was asked for. */
const jsonForXml: Rewrite = (answer) => {
  if (!isXml(answer)) return answer;
  const schema = actions.QueryTask.responses[String(answer.status) as '200']?.schema ?? undefined;
  const headers = new Headers(answer.headers);
  headers.set('content-type', 'application/json;charset=utf-8');
  return { status: answer.status, headers, text: JSON.stringify(decodeXmlBody(schema, answer.text)) };
};

/** Once a task has been answered with a terminal status, the next answer for it is IN_PROGRESS again. */
const terminalNotTerminal: Rewrite = (answer, { state }) => {
  const taskId = /"TaskId":"([^"]+)"|<TaskId>([^<]+)<\/TaskId>/.exec(answer.text);
  const status = /"Status":"([^"]+)"|<Status>([^<]+)<\/Status>/.exec(answer.text);
  const id = taskId?.[1] ?? taskId?.[2];
  const value = status?.[1] ?? status?.[2];
  if (!id || !value || !(TaskStatusTerminalValues as readonly string[]).includes(value)) return answer;
  if (!state.has(id)) {
    state.set(id, true);
    return answer;
  }
  return renameStatus(value, 'IN_PROGRESS')(answer, { request: new Request('http://x'), state, now: 0 });
};

/** Changes the answer's headers (a copy of them). */
const withHeaders =
  (change: (headers: Headers, answer: Answer) => void): Rewrite =>
  (answer) => {
    const headers = new Headers(answer.headers);
    change(headers, answer);
    return { ...answer, headers };
  };

const dropHeader = (name: string): Rewrite => withHeaders((headers) => headers.delete(name));

const htmlPage =
  (status: number): Rewrite =>
  (_answer: Answer) => ({
    status,
    headers: new Headers({ 'content-type': 'text/html' }),
    text: `<html><body><h1>${status} Service Temporarily Unavailable</h1></body></html>`,
  });

/** The answer replaced by the gateway error `code`, in the format asked for. */
const refuse =
  (code: string, when: (request: Request, now: number) => boolean): Rewrite =>
  async (answer, { request, now }) => {
    if (!when(request, now)) return answer;
    const response = gatewayError(code, { format: variantOf(request).format === 'XML' ? 'XML' : 'JSON' });
    return { status: response.status, headers: new Headers(response.headers), text: await response.text() };
  };

/** The spec's example success, in the format the request asked for. */
async function exampleSuccess(request: Request): Promise<Answer> {
  const example = examples.QueryTask['200']['application/json'].Succeeded;
  const response = rpcResponse(
    { ...example, RequestId: crypto.randomUUID().toUpperCase() },
    { format: variantOf(request).format === 'XML' ? 'XML' : 'JSON', xmlRoot },
  );
  return { status: response.status, headers: new Headers(response.headers), text: await response.text() };
}

/** A refusal replaced by the spec's example success, for the requests `when` picks (a gap in a check). */
const acceptWhen =
  (when: (request: Request) => boolean): Rewrite =>
  (answer, { request }) =>
    answer.status < 400 || !when(request) ? answer : exampleSuccess(request);

const lacks = (request: Request, part: string) =>
  !new URL(request.url).searchParams.has(part) && !request.headers.has(part);

/** Swaps two strings in every answer (status values, say). */
const swap = (a: string, b: string): Rewrite =>
  body({
    json: (parsed) =>
      JSON.parse(
        JSON.stringify(parsed)
          .replaceAll(`"${a}"`, '\u0000')
          .replaceAll(`"${b}"`, `"${a}"`)
          .replaceAll('\u0000', `"${b}"`),
      ),
    xml: (text) => text.replaceAll(`>${a}<`, '\u0000').replaceAll(`>${b}<`, `>${a}<`).replaceAll('\u0000', `>${b}<`),
  });

/** A time moved by whole hours, still labelled Z (what a server in another zone that says Z sends). */
function plusHours(value: unknown, hours: number): unknown {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) return value;
  return new Date(Date.parse(value) + hours * 3_600_000).toISOString();
}

const TERMINAL: readonly string[] = TaskStatusTerminalValues;

export const mutants: readonly Mutant[] = [
  // --- the success body: field types and required fields ---
  {
    id: 'progress-as-object',
    category: 'field type',
    description: 'Data.Progress sent as {"value": n}',
    rewrite: setField('Progress', { value: 80 }, '<value>80</value>'),
  },
  {
    id: 'progress-as-numeric-string',
    category: 'field type',
    description: 'Data.Progress sent as the text "80"',
    rewrite: data(
      (d) => (d.Progress === undefined ? d : { ...d, Progress: String(d.Progress) }),
      (text) => text,
    ),
    equivalent:
      'the spec allows Progress as a number or a numeric string (the document types it String; XML carries text)',
  },
  {
    id: 'task-id-as-number',
    category: 'field type',
    description: 'Data.TaskId sent as a JSON number',
    rewrite: data((d) => ({ ...d, TaskId: 12345 })),
  },
  {
    id: 'success-as-string',
    category: 'field type',
    description: 'Success sent as the string "true"',
    rewrite: body({ json: (b) => (b.Success === true ? { ...b, Success: 'true' } : b) }),
  },
  {
    id: 'utc-modified-not-a-time',
    category: 'field type',
    description: 'Data.UtcModified is "yesterday"',
    rewrite: setField('UtcModified', 'yesterday', 'yesterday'),
  },
  {
    id: 'utc-queue-time-as-epoch',
    category: 'field type',
    description: 'Data.UtcQueueTime is epoch milliseconds',
    rewrite: setField('UtcQueueTime', 1558443833000, '1558443833000'),
  },
  {
    id: 'missing-data',
    category: 'required field',
    description: 'success without Data',
    rewrite: body({
      json: ({ Data: _gone, ...rest }) => rest,
      xml: (text) => text.replace(/<Data>[\s\S]*<\/Data>/, ''),
    }),
  },
  {
    id: 'missing-request-id',
    category: 'required field',
    description: 'answers without RequestId in the body',
    rewrite: body({
      json: ({ RequestId: _gone, ...rest }) => rest,
      xml: (text) => text.replace(/<RequestId>[^<]*<\/RequestId>/, ''),
    }),
  },
  {
    id: 'missing-status',
    category: 'required field',
    description: 'Data without Status',
    rewrite: dropField('Status'),
  },
  {
    id: 'missing-task-id',
    category: 'required field',
    description: 'Data without TaskId',
    rewrite: dropField('TaskId'),
  },
  {
    id: 'extra-field',
    category: 'field name',
    description: 'Data with a field the spec does not describe (Extra)',
    rewrite: data(
      (d) => ({ ...d, Extra: 'x' }),
      (text) => text.replace('</Data>', '<Extra>x</Extra></Data>'),
    ),
  },
  {
    id: 'job-name-renamed',
    category: 'field name',
    description: 'Data.JobName sent as JobTitle',
    rewrite: data(
      ({ JobName, ...rest }) => ({ ...rest, JobTitle: JobName }),
      (text) => text.replace(/<JobName>([^<]*)<\/JobName>/, '<JobTitle>$1</JobTitle>'),
    ),
  },
  {
    id: 'progress-renamed-lowercase',
    category: 'field name',
    description: 'Data.Progress sent as progress',
    rewrite: data(
      ({ Progress, ...rest }) => ({ ...rest, progress: Progress }),
      (text) => text.replace(/<Progress>([^<]*)<\/Progress>/, '<progress>$1</progress>'),
    ),
  },
  // --- renamed status values, terminal ones included ---
  ...(
    [
      ['QUEUED', 'WAITING'],
      ['SENT', 'DISPATCHED'],
      ['IN_PROGRESS', 'RUNNING'],
      ['SUCCEEDED', 'SUCCESS'],
      ['FAILED', 'FAILURE'],
      ['REJECTED', 'REFUSED'],
      ['TIMED_OUT', 'TIMEOUT'],
      ['CANCELLED', 'CANCELED'],
    ] as const
  ).map(
    ([from, to]): Mutant => ({
      id: `status-${from.toLowerCase().replace('_', '-')}-renamed`,
      category: 'renamed enum value',
      description: `Status ${from} sent as ${to}`,
      rewrite: renameStatus(from, to),
    }),
  ),
  // --- lifecycle ---
  {
    id: 'progress-goes-back',
    category: 'lifecycle',
    description: 'IN_PROGRESS from 60% on reports 5%',
    rewrite: data(
      (d) => (d.Status === 'IN_PROGRESS' && Number(d.Progress) >= 60 ? { ...d, Progress: 5 } : d),
      (text) =>
        /<Status>IN_PROGRESS<\/Status>/.test(text)
          ? text.replace(/<Progress>(60|80)<\/Progress>/, '<Progress>5</Progress>')
          : text,
    ),
  },
  {
    id: 'terminal-not-terminal',
    category: 'lifecycle',
    description: 'after its terminal status, a task is IN_PROGRESS again',
    rewrite: terminalNotTerminal,
  },
  {
    id: 'never-queued',
    category: 'lifecycle',
    description: 'tasks are never QUEUED (they start SENT)',
    rewrite: renameStatus('QUEUED', 'SENT'),
  },
  // --- error codes and HTTP statuses ---
  {
    id: 'signature-code-renamed',
    category: 'error code',
    description: 'SignatureDoesNotMatch sent as InvalidSignature',
    rewrite: renameCode('SignatureDoesNotMatch', 'InvalidSignature'),
  },
  {
    id: 'throttling-code-generic',
    category: 'error code',
    description: 'Throttling.User sent as Throttling',
    rewrite: renameCode('Throttling.User', 'Throttling'),
  },
  {
    id: 'task-not-found-code',
    category: 'error code',
    description: 'an unknown TaskId answered iot.system.SystemException',
    rewrite: renameCode('iot.job.TaskNotFound', 'iot.system.SystemException'),
  },
  {
    id: 'missing-parameter-generic',
    category: 'error code',
    description: 'MissingTaskId sent as MissingParameter',
    rewrite: renameCode('MissingTaskId', 'MissingParameter'),
    equivalent: 'the gateway documents both Missing<Name> and the generic MissingParameter',
  },
  {
    id: 'error-without-code',
    category: 'error code',
    description: 'gateway errors without Code',
    rewrite: errors(
      body({ json: ({ Code: _gone, ...rest }) => rest, xml: (text) => text.replace(/<Code>[^<]*<\/Code>/, '') }),
    ),
  },
  {
    id: 'errors-as-500',
    category: 'HTTP status',
    description: 'every HTTP 400 error sent as HTTP 500',
    rewrite: (answer) => (answer.status === 400 ? { ...answer, status: 500 } : answer),
  },
  {
    id: 'errors-as-200',
    category: 'HTTP status',
    description: 'gateway errors sent with HTTP 200',
    rewrite: errors((answer) => ({ ...answer, status: 200 })),
  },
  {
    id: 'api-not-found-as-400',
    category: 'HTTP status',
    description: 'InvalidApi.NotFound sent with HTTP 400',
    rewrite: statusFor('InvalidApi.NotFound', 400),
  },
  {
    id: 'unknown-key-as-400',
    category: 'HTTP status',
    description: 'InvalidAccessKeyId.NotFound sent with HTTP 400',
    rewrite: statusFor('InvalidAccessKeyId.NotFound', 400),
    equivalent: 'documents disagree: one (and a capture) says 404, another 400 — both are accepted',
  },
  {
    id: 'business-error-as-404',
    category: 'HTTP status',
    description: 'business errors (Success false) sent with HTTP 404',
    rewrite: (answer) =>
      answer.status === 200 && /"Success":false|<Success>false<\/Success>/.test(answer.text)
        ? { ...answer, status: 404 }
        : answer,
  },
  // --- envelope: XML roots, headers, content types, HTML ---
  {
    id: 'xml-success-root',
    category: 'XML root',
    description: `success root <${xmlRoot}> sent as <Response>`,
    rewrite: body({
      xml: (text) => text.replaceAll(`<${xmlRoot}>`, '<Response>').replaceAll(`</${xmlRoot}>`, '</Response>'),
    }),
  },
  {
    id: 'xml-error-root',
    category: 'XML root',
    description: 'error root <Error> sent as <ErrorResponse>',
    rewrite: body({
      xml: (text) => text.replaceAll('<Error>', '<ErrorResponse>').replaceAll('</Error>', '</ErrorResponse>'),
    }),
  },
  {
    id: 'request-id-header-dropped',
    category: 'header',
    description: 'no x-acs-request-id header',
    rewrite: dropHeader('x-acs-request-id'),
  },
  {
    id: 'request-id-header-differs',
    category: 'header',
    description: "x-acs-request-id differs from the body's RequestId",
    rewrite: withHeaders((headers) => headers.set('x-acs-request-id', 'F0000000-0000-4000-8000-000000000000')),
  },
  {
    id: 'content-type-text-plain',
    category: 'content type',
    description: 'JSON sent as text/plain',
    rewrite: (answer) => {
      if (!isJson(answer)) return answer;
      const headers = new Headers(answer.headers);
      headers.set('content-type', 'text/plain;charset=utf-8');
      return { ...answer, headers };
    },
  },
  {
    id: 'xml-for-json',
    category: 'content type',
    description: 'XML answered where JSON was asked for',
    rewrite: xmlForJson,
  },
  {
    id: 'json-for-xml',
    category: 'content type',
    description: 'JSON answered where XML was asked for',
    rewrite: jsonForXml,
  },
  {
    id: 'throttling-as-html-503',
    category: 'HTML 5xx',
    description: 'Throttling.User answered by a proxy as an HTML 503 page',
    rewrite: (answer, context) => (answer.text.includes('Throttling.User') ? htmlPage(503)(answer, context) : answer),
  },
  {
    id: 'internal-error-as-html-502',
    category: 'HTML 5xx',
    description: 'every gateway error replaced by an HTML 502 page',
    rewrite: errors(htmlPage(502)),
  },
  // --- broken for one transport variant only ---
  {
    id: 'signature-off-on-get',
    category: 'one variant',
    description: 'signatures are not compared for GET',
    checks: (request) => (request.method === 'GET' ? { signature: false } : {}),
  },
  {
    id: 'parameters-off-on-v3',
    category: 'one variant',
    description: 'parameters are not validated for V3-signed requests',
    checks: (request) => (variantOf(request).signature === 'v3' ? { parameters: false } : {}),
  },
  {
    id: 'quota-off-on-get',
    category: 'one variant',
    description: 'GET is never throttled',
    checks: (request) => (request.method === 'GET' ? { quota: false } : {}),
  },
  {
    id: 'replay-off-for-v1-xml',
    category: 'one variant',
    description: 'a replayed nonce is accepted for V1 requests asking for XML',
    checks: (request) =>
      variantOf(request).signature === 'v1' && variantOf(request).format === 'XML' ? { nonce: false } : {},
  },
  {
    id: 'status-failed-renamed-in-xml',
    category: 'one variant',
    description: 'FAILED sent as FAILURE, in XML answers only',
    rewrite: body({ xml: (text) => text.replaceAll('<Status>FAILED</Status>', '<Status>FAILURE</Status>') }),
  },
  {
    id: 'status-cancelled-renamed-for-v1',
    category: 'one variant',
    description: 'CANCELLED sent as CANCELED, to V1-signed requests only',
    rewrite: onlyWhen((request) => variantOf(request).signature === 'v1', renameStatus('CANCELLED', 'CANCELED')),
  },
  // --- checks that are there, but too lax ---
  {
    id: 'quota-doubled',
    category: 'too lax',
    description: 'the quota lets twice as many requests through',
    quotaScale: 2,
  },
  {
    id: 'future-timestamps-accepted',
    category: 'too lax',
    description: 'a request time in the future is never too far',
    checks: (request, now) => (requestTime(request) > now ? { timestamp: false } : {}),
  },
  {
    id: 'timestamp-window-20-minutes',
    category: 'too lax',
    description: 'request times up to 20 minutes off are accepted (the spec says 15)',
    checks: (request, now) => (Math.abs(now - requestTime(request)) <= 20 * 60_000 ? { timestamp: false } : {}),
  },
  {
    id: 'nonce-window-5-seconds',
    category: 'too lax',
    description: 'nonces are forgotten after 5 seconds',
    checks: (request, now) => (now - requestTime(request) > 5000 ? { nonce: false } : {}),
  },
  {
    id: 'unsigned-accepted',
    category: 'too lax',
    description: 'a request without any signature is answered',
    checks: (request) =>
      variantOf(request).signature === 'none'
        ? { signature: false, signedHeaders: false, bodyHash: false, accessKey: false, timestamp: false, nonce: false }
        : {},
  },
  {
    id: 'replay-answer-without-code',
    category: 'error code',
    description: "a replay answered without Code and with another error's message",
    rewrite: body({
      json: (b) =>
        b.Code === 'SignatureNonceUsed'
          ? { RequestId: b.RequestId, Message: 'Specified signature is not matched with our calculation.' }
          : b,
      xml: (text) =>
        text.includes('<Code>SignatureNonceUsed</Code>')
          ? text
              .replace('<Code>SignatureNonceUsed</Code>', '')
              .replace(
                /<Message>[^<]*<\/Message>/,
                '<Message>Specified signature is not matched with our calculation.</Message>',
              )
          : text,
    }),
  },
  {
    id: 'progress-hex-in-xml',
    category: 'field type',
    description: 'XML Progress written in hexadecimal (0x50 for 80)',
    rewrite: body({
      xml: (text) =>
        text.replace(
          /<Progress>(\d+)<\/Progress>/,
          (_, n: string) => `<Progress>0x${Number(n).toString(16)}</Progress>`,
        ),
    }),
  },
  {
    id: 'duplicate-status-in-xml',
    category: 'XML',
    description: 'XML Status given twice, the second QUEUED',
    rewrite: body({ xml: (text) => text.replace(/(<Status>[^<]*<\/Status>)/, '$1<Status>QUEUED</Status>') }),
  },
  {
    id: 'xml-as-application-xml',
    category: 'content type',
    description: 'XML sent as application/xml (the spec documents text/xml)',
    rewrite: (answer) => {
      if (!isXml(answer)) return answer;
      const headers = new Headers(answer.headers);
      headers.set('content-type', 'application/xml;charset=utf-8');
      return { ...answer, headers };
    },
  },
  // --- gateway checks switched off ---
  {
    id: 'quota-off',
    category: 'check off',
    description: 'no quota: nothing is ever throttled',
    checks: { quota: false },
  },
  { id: 'replay-off', category: 'check off', description: 'a replayed nonce is accepted', checks: { nonce: false } },
  {
    id: 'timestamp-off',
    category: 'check off',
    description: 'any request time is accepted',
    checks: { timestamp: false },
  },
  {
    id: 'signature-off',
    category: 'check off',
    description: 'signatures are not compared',
    checks: { signature: false },
  },
  {
    id: 'access-key-off',
    category: 'check off',
    description: 'unknown AccessKey IDs are accepted',
    checks: { accessKey: false },
  },
  {
    id: 'api-check-off',
    category: 'check off',
    description: 'unknown actions and versions are served',
    checks: { api: false },
  },
  {
    id: 'parameters-off',
    category: 'check off',
    description: 'parameters are not validated',
    checks: { parameters: false },
  },
  {
    id: 'v3-signed-headers-unchecked',
    category: 'check off',
    description: 'a V3 signature over host alone is accepted (x-acs-* headers unsigned)',
    checks: { signedHeaders: false },
  },
  {
    id: 'v3-body-hash-unchecked',
    category: 'check off',
    description: 'a V3 body is not compared with x-acs-content-sha256',
    checks: { bodyHash: false },
  },
  // --- checks with a gap: one variant, one part, one reading ---
  {
    id: 'replay-keyed-on-request',
    category: 'too lax',
    description: 'replays are recognised by the whole request, not by the nonce: a new request reusing a nonce passes',
    checks: { nonce: false },
    rewrite: (answer, { request, state }) => {
      const key = `${request.method} ${request.url} ${request.headers.get('authorization') ?? ''}`;
      if (answer.status !== 200) return answer;
      if (state.has(key)) return refuse('SignatureNonceUsed', () => true)(answer, { request, state, now: 0 });
      state.set(key, true);
      return answer;
    },
  },
  {
    id: 'nonce-optional-v1-get',
    category: 'too lax',
    description: 'a V1 GET without SignatureNonce is answered',
    rewrite: acceptWhen((r) => variantOf(r).signature === 'v1' && r.method === 'GET' && lacks(r, 'SignatureNonce')),
  },
  {
    id: 'date-optional-v3-get',
    category: 'too lax',
    description: 'a V3 GET without x-acs-date is answered',
    rewrite: acceptWhen((r) => variantOf(r).signature === 'v3' && r.method === 'GET' && lacks(r, 'x-acs-date')),
  },
  {
    id: 'timestamp-optional-v1-xml',
    category: 'too lax',
    description: 'a V1 XML request without Timestamp is answered',
    rewrite: acceptWhen(
      (r) => variantOf(r).signature === 'v1' && variantOf(r).format === 'XML' && lacks(r, 'Timestamp'),
    ),
  },
  {
    id: 'lowercase-format-refused',
    category: 'too strict',
    description: 'Format json/xml (as the official SDK sends it) is refused',
    rewrite: refuse('InvalidFormat', (r) => /^(json|xml)$/.test(new URL(r.url).searchParams.get('Format') ?? '')),
  },
  {
    id: 'timestamp-window-60-seconds',
    category: 'too strict',
    description: 'a request time more than 60 seconds old is refused (the spec allows 15 minutes)',
    rewrite: refuse('InvalidTimeStamp.Expired', (r, now) => now - requestTime(r) > 60_000),
  },
  {
    id: 'future-time-refused',
    category: 'too strict',
    description: 'a request time a few seconds ahead is refused (no tolerance for a client clock)',
    rewrite: refuse('InvalidTimeStamp.Expired', (r, now) => requestTime(r) - now > 2000),
  },
  {
    id: 'instance-refused',
    category: 'too strict',
    description: 'any IotInstanceId is answered InstanceNotFound',
    rewrite: async (answer, { request }) => {
      if (!new URL(request.url).searchParams.has('IotInstanceId') || answer.status !== 200) return answer;
      const format = variantOf(request).format === 'XML' ? 'XML' : 'JSON';
      const response = businessError('iot.system.InstanceNotFound', { format, xmlRoot });
      return { status: response.status, headers: new Headers(response.headers), text: await response.text() };
    },
  },
  {
    id: 'region-id-refused',
    category: 'too strict',
    description: 'the optional RegionId is refused',
    rewrite: refuse('InvalidRegionId', (r) => new URL(r.url).searchParams.has('RegionId')),
  },
  {
    id: 'errors-as-redirects',
    category: 'transport',
    description: 'every gateway error is a 307 redirect to a page that holds it',
    rewrite: (answer) =>
      answer.status >= 400
        ? { status: 307, headers: new Headers({ location: '/errors/1', 'content-type': 'text/plain' }), text: '' }
        : answer,
  },
  // --- answers that lie about what was asked or done ---
  {
    id: 'wrong-task-echoed',
    category: 'semantics',
    description: 'the answer names another task than the one asked for',
    rewrite: body({
      json: (b) =>
        b.Data && typeof b.Data === 'object' ? { ...b, Data: { ...(b.Data as object), TaskId: 'someone-else' } } : b,
      xml: (text) => text.replace(/<TaskId>[^<]*<\/TaskId>/, '<TaskId>someone-else</TaskId>'),
    }),
  },
  {
    id: 'succeeded-failed-swapped',
    category: 'semantics',
    description: 'a task meant to succeed ends FAILED, one meant to fail ends SUCCEEDED',
    rewrite: swap('SUCCEEDED', 'FAILED'),
  },
  {
    id: 'queued-sent-swapped',
    category: 'semantics',
    description: 'tasks go SENT before QUEUED (backwards in the documented flow)',
    rewrite: swap('QUEUED', 'SENT'),
  },
  {
    id: 'modified-time-backwards',
    category: 'semantics',
    description: 'UtcModified goes back (1999) once a task is in progress',
    rewrite: body({
      json: (b) =>
        (b.Data as { Status?: string } | undefined)?.Status === 'IN_PROGRESS'
          ? { ...b, Data: { ...(b.Data as object), UtcModified: '1999-01-01T00:00:00.000Z' } }
          : b,
      xml: (text) =>
        text.includes('<Status>IN_PROGRESS</Status>')
          ? text.replace(/<UtcModified>[^<]*<\/UtcModified>/, '<UtcModified>1999-01-01T00:00:00.000Z</UtcModified>')
          : text,
    }),
  },
  {
    id: 'constant-request-id',
    category: 'headers',
    description: 'every answer carries the same RequestId',
    rewrite: (answer) => {
      const headers = new Headers(answer.headers);
      const old = headers.get('x-acs-request-id');
      if (!old) return answer;
      headers.set('x-acs-request-id', 'CONSTANT-REQUEST-ID');
      return { ...answer, headers, text: answer.text.replaceAll(old, 'CONSTANT-REQUEST-ID') };
    },
  },
  {
    id: 'json-with-bom',
    category: 'encoding',
    description: 'JSON answers start with a byte order mark',
    rewrite: (answer) => (isJson(answer) ? { ...answer, text: `\uFEFF${answer.text}` } : answer),
  },
  {
    id: 'progress-decimal-in-xml',
    category: 'field type',
    description: 'XML Progress written with a decimal point (80.0 for 80)',
    rewrite: body({ xml: (text) => text.replace(/<Progress>(\d+)<\/Progress>/, '<Progress>$1.0</Progress>') }),
  },
  {
    id: 'xml-namespace',
    category: 'XML',
    description: 'XML answers in a default namespace (xmlns on the root), which renames every element',
    rewrite: body({
      xml: (text) => text.replace(/<(\w+Response|Error)>/, '<$1 xmlns="http://iot.aliyuncs.com/doc/2018-01-20/">'),
    }),
  },
  {
    id: 'xml-attribute-on-field',
    category: 'XML',
    description: 'XML Progress carries an attribute (<Progress unit="%">)',
    rewrite: body({ xml: (text) => text.replace('<Progress>', '<Progress unit="%">') }),
  },
  {
    id: 'request-id-not-ascii',
    category: 'headers',
    description: "the body's RequestId holds characters no header can carry, the header another ID",
    rewrite: body({
      json: (b) => (typeof b.RequestId === 'string' ? { ...b, RequestId: `请求-${b.RequestId}` } : b),
      xml: (text) => text.replace('<RequestId>', '<RequestId>请求-'),
    }),
  },
  {
    id: 'longest-task-id-refused',
    category: 'edges',
    description: 'a TaskId of exactly the 128 characters the spec allows is refused as InvalidTaskId (off by one)',
    rewrite: refuse(
      'InvalidTaskId',
      (request) => (new URL(request.url).searchParams.get('TaskId') ?? '').length === 128,
    ),
  },
  {
    id: 'format-default-json',
    category: 'edges',
    description: 'a request without Format is answered in JSON (the default is XML)',
    rewrite: onlyWhen((request) => lacks(request, 'Format'), jsonForXml),
  },
  {
    id: 'instance-task-found-without-instance',
    category: 'edges',
    description: "an instance's task asked for without its IotInstanceId is answered as if asked in its instance",
    rewrite: (answer, { request }) =>
      answer.text.includes('iot.common.InvalidTenant') ? exampleSuccess(request) : answer,
  },
  {
    id: 'times-in-local-zone-labelled-z',
    category: 'times',
    description: "UtcModified and UtcQueueTime written in the region's local time (UTC+8) but labelled Z",
    rewrite: data(
      (d) => ({ ...d, UtcModified: plusHours(d.UtcModified, 8), UtcQueueTime: plusHours(d.UtcQueueTime, 8) }),
      (text) =>
        text.replace(
          /<(UtcModified|UtcQueueTime)>([^<]*)<\/\1>/g,
          (_all, field: string, time: string) => `<${field}>${plusHours(time, 8)}</${field}>`,
        ),
    ),
  },
  {
    id: 'utc-modified-moves-after-end',
    category: 'times',
    description: 'UtcModified is the time of each answer once the task has ended (nothing changed)',
    rewrite: (answer, context) => {
      const now = new Date(context.now).toISOString();
      return data(
        (d) => (TERMINAL.includes(String(d.Status)) ? { ...d, UtcModified: now } : d),
        (text) =>
          TERMINAL.some((status) => text.includes(`<Status>${status}</Status>`))
            ? text.replace(/<UtcModified>[^<]*<\/UtcModified>/, `<UtcModified>${now}</UtcModified>`)
            : text,
      )(answer, context);
    },
  },
  {
    id: 'utc-modified-frozen',
    category: 'semantics',
    description: 'UtcModified stays at the time queued while the status and progress move',
    rewrite: data(
      (d) => ({ ...d, UtcModified: d.UtcQueueTime }),
      (text) => {
        const queued = /<UtcQueueTime>([^<]*)<\/UtcQueueTime>/.exec(text)?.[1];
        return queued === undefined
          ? text
          : text.replace(/<UtcModified>[^<]*<\/UtcModified>/, `<UtcModified>${queued}</UtcModified>`);
      },
    ),
  },
  {
    id: 'lockout-after-throttling',
    category: 'quota',
    description: 'after a Throttling.User, every request is refused for 3 s (the quota does not refill in time)',
    rewrite: async (answer, context) => {
      if (answer.text.includes('Throttling.User')) context.state.set('lockedUntil', context.now + 3000);
      const lockedUntil = context.state.get('lockedUntil') as number | undefined;
      return lockedUntil !== undefined && context.now < lockedUntil
        ? refuse('Throttling.User', () => true)(answer, context)
        : answer;
    },
  },
  {
    id: 'json-duplicate-status-key',
    category: 'JSON',
    description:
      'JSON Data carries Status twice, the first QUEUED (JSON.parse keeps the last; other readers the first)',
    rewrite: (answer) =>
      isJson(answer) && answer.text.includes('"Status":')
        ? { ...answer, text: answer.text.replace('"Status":', '"Status":"QUEUED","Status":') }
        : answer,
  },
  {
    id: 'message-not-utf8',
    category: 'encoding',
    description: 'Message carries GBK bytes (任务) under charset=utf-8',
    rewrite: (answer) => {
      const at =
        answer.text.indexOf('"Message":"') >= 0
          ? answer.text.indexOf('"Message":"') + 11
          : answer.text.indexOf('<Message>') + 9;
      if (at < 11) return answer;
      const encoder = new TextEncoder();
      const bytes = new Uint8Array([
        ...encoder.encode(answer.text.slice(0, at)),
        0xc8,
        0xce,
        0xce,
        0xf1,
        ...encoder.encode(answer.text.slice(at)),
      ]);
      return { ...answer, bytes };
    },
  },
  {
    id: 'job-id-changes-at-terminal',
    category: 'semantics',
    description: 'a task reports another JobId once it has ended',
    rewrite: data(
      (d) => (TaskStatusTerminalValues.includes(d.Status as never) ? { ...d, JobId: `${String(d.JobId)}-other` } : d),
      (text) =>
        TaskStatusTerminalValues.some((status) => text.includes(`<Status>${status}</Status>`))
          ? text.replace(/<JobId>([^<]*)<\/JobId>/, '<JobId>$1-other</JobId>')
          : text,
    ),
  },
  {
    id: 'iot-id-differs-in-xml',
    category: 'semantics',
    description: 'the XML answer names the device in lower case (IotId), the JSON one as it is',
    rewrite: body({
      xml: (text) => text.replace(/<IotId>([^<]*)<\/IotId>/, (_, id: string) => `<IotId>${id.toLowerCase()}x</IotId>`),
    }),
  },
  {
    id: 'conflicting-content-types',
    category: 'content type',
    description: 'a second Content-Type header, text/html',
    rewrite: withHeaders((headers) => headers.append('content-type', 'text/html')),
  },
  {
    id: 'progress-absent-before-report',
    category: 'field type',
    description: 'Progress left out while a task is QUEUED or SENT (nothing reported yet)',
    rewrite: data(
      (d) => (d.Status === 'QUEUED' || d.Status === 'SENT' ? (({ Progress: _gone, ...rest }) => rest)(d) : d),
      (text) => (/<Status>(QUEUED|SENT)<\/Status>/.test(text) ? text.replace(/<Progress>[^<]*<\/Progress>/, '') : text),
    ),
    equivalent: 'the spec allows Progress to be absent while nothing was reported (Task: Progress not required)',
  },
  {
    id: 'xml-declares-utf-16',
    category: 'encoding',
    description: 'the XML declaration says UTF-16, the body is UTF-8',
    rewrite: body({
      xml: (text) =>
        text.startsWith('<?xml')
          ? text.replace(/encoding="[^"]*"/, 'encoding="UTF-16"')
          : `<?xml version="1.0" encoding="UTF-16"?>${text}`,
    }),
  },
  // --- transport: what the bytes say against what the labels say ---
  {
    id: 'content-length-in-characters',
    category: 'transport',
    description: 'Content-Length counts the characters of the body, not its bytes',
    rewrite: withHeaders((headers, answer) => headers.set('content-length', String([...answer.text].length))),
    wire: (answer) =>
      withHead(answer, (head) =>
        head.replace(/content-length:\s*\d+/i, `content-length: ${[...answer.body.toString('utf8')].length}`),
      ),
  },
  {
    id: 'answer-written-twice',
    category: 'transport',
    description: 'every answer written a second time on the kept-alive connection',
    wire: (answer) => {
      const once = withHead(answer, (head) => head);
      return Buffer.concat([once, once]);
    },
  },
  {
    id: 'chunks-miscounted',
    category: 'transport',
    description: 'answers sent chunked, each chunk size counting characters, not bytes',
    wire: (answer) => {
      const size = [...answer.body.toString('utf8')].length;
      const head = answer.head.replace(/\r\ncontent-length:\s*\d+/i, '\r\ntransfer-encoding: chunked');
      return Buffer.concat([
        Buffer.from(`${head}\r\n\r\n${size.toString(16)}\r\n`, 'latin1'),
        answer.body,
        Buffer.from('\r\n0\r\n\r\n', 'latin1'),
      ]);
    },
  },
  {
    id: 'gzip-label-on-plain-body',
    category: 'transport',
    description: 'Content-Encoding: gzip on a body that is not compressed',
    rewrite: withHeaders((headers) => headers.set('content-encoding', 'gzip')),
  },
  {
    id: 'charset-label-gbk',
    category: 'transport',
    description: 'Content-Type says charset=GBK; the bytes are UTF-8',
    rewrite: withHeaders((headers) =>
      headers.set('content-type', (headers.get('content-type') ?? '').replace(/charset=[^;]+/i, 'charset=GBK')),
    ),
  },
  {
    id: 'body-in-latin1',
    category: 'transport',
    description: 'non-ASCII text sent one byte a character (Latin-1), labelled UTF-8',
    rewrite: (answer) => ({ ...answer, bytes: new Uint8Array(Buffer.from(answer.text, 'latin1')) }),
  },
  // --- gateway checks at their edges ---
  {
    id: 'signature-case-insensitive',
    category: 'gateway edge',
    description: 'V1 signatures compared ignoring letter case (Base64 is case-sensitive)',
    checks: (request) =>
      v1SignaturePasses(request, (sent, right) => sent.toLowerCase() === right.toLowerCase())
        ? { signature: false }
        : {},
  },
  {
    id: 'signature-prefix-compared',
    category: 'gateway edge',
    description: 'only the first 20 characters of a V1 signature are compared',
    checks: (request) =>
      v1SignaturePasses(request, (sent, right) => sent.slice(0, 20) === right.slice(0, 20)) ? { signature: false } : {},
  },
  {
    id: 'timestamp-window-16-minutes',
    category: 'gateway edge',
    description: 'request times up to 16 minutes off are accepted (the spec says 15)',
    checks: (request, now) => (Math.abs(now - requestTime(request)) <= 16 * 60_000 ? { timestamp: false } : {}),
  },
  {
    id: 'timestamp-window-14-minutes',
    category: 'gateway edge',
    description: 'request times more than 14 minutes 15 s off are refused (the spec allows 15 minutes)',
    rewrite: refuse('InvalidTimeStamp.Expired', (r, now) => Math.abs(now - requestTime(r)) > 14.25 * 60_000),
  },
  {
    id: 'nonce-forgotten-for-old-times',
    category: 'gateway edge',
    description: 'a nonce is not remembered when its request time is over 10 minutes old (still inside the window)',
    checks: (request, now) => (now - requestTime(request) > 10 * 60_000 ? { nonce: false } : {}),
  },
  {
    id: 'quota-per-source-address',
    category: 'gateway edge',
    description: 'the quota is counted per source address, not per account',
    quotaPerSourceAddress: true,
  },
  {
    id: 'status-detail-not-json',
    category: 'field text',
    description: 'StatusDetail (described as JSON text) sent as text that is not JSON',
    rewrite: data(
      (d) => (d.StatusDetail === undefined ? d : { ...d, StatusDetail: '{msg: firmware applied' }),
      (text) =>
        text.replace(/<StatusDetail>[^<]*<\/StatusDetail>/, '<StatusDetail>{msg: firmware applied</StatusDetail>'),
    ),
  },
  // --- found by a hostile round against the kit ---
  {
    id: 'errors-written-twice',
    category: 'transport',
    description: 'every error answer (HTTP 4xx) written a second time on the kept-alive connection',
    wire: (answer) => {
      const once = withHead(answer, (head) => head);
      return /^HTTP\/1\.1 4/.test(answer.head) ? Buffer.concat([once, once]) : once;
    },
  },
  {
    id: 'early-hints-before-answers',
    category: 'transport',
    description: 'a 103 Early Hints interim answer before every answer',
    wire: (answer) =>
      Buffer.concat([
        Buffer.from('HTTP/1.1 103 Early Hints\r\nlink: </x>; rel=preload\r\n\r\n', 'latin1'),
        withHead(answer, (h) => h),
      ]),
    equivalent: 'HTTP allows any number of 1xx interim answers before the answer (RFC 9110 §15.2)',
  },
  {
    id: 'compressed-twice',
    category: 'transport',
    description: 'bodies gzip-compressed twice under one Content-Encoding: gzip',
    rewrite: (answer) => {
      const headers = new Headers(answer.headers);
      headers.set('content-encoding', 'gzip');
      const bytes = gzipSync(gzipSync(Buffer.from(answer.bytes ?? new TextEncoder().encode(answer.text))));
      return { ...answer, headers, bytes: new Uint8Array(bytes) };
    },
  },
  {
    id: 'signature-ends-compared',
    category: 'gateway edge',
    description: 'only the first and last 6 characters of a V1 signature are compared',
    checks: (request) =>
      v1SignaturePasses(
        request,
        (sent, right) => sent.slice(0, 6) === right.slice(0, 6) && sent.slice(-6) === right.slice(-6),
      )
        ? { signature: false }
        : {},
  },
  {
    id: 'timestamp-with-offset-accepted',
    category: 'gateway edge',
    description: 'a request time with a +08:00 offset is read as a time (the spec requires UTC with Z)',
    checks: (request) =>
      /[+-]\d{2}:\d{2}$/.test(
        new URL(request.url).searchParams.get('Timestamp') ?? request.headers.get('x-acs-date') ?? '',
      )
        ? { timestamp: false }
        : {},
  },
  {
    id: 'nonce-forgotten-for-future-times',
    category: 'gateway edge',
    description: 'a nonce is not remembered when its request time is over 10 minutes ahead (still inside the window)',
    checks: (request, now) => (requestTime(request) - now > 10 * 60_000 ? { nonce: false } : {}),
  },
  {
    id: 'task-id-length-counted-encoded',
    category: 'edges',
    description: 'TaskId length checked on its percent-encoded form (a 128-character TaskId with * refused)',
    rewrite: refuse('InvalidTaskId', (request) => {
      const id = new URL(request.url).searchParams.get('TaskId') ?? '';
      return id.length <= 128 && encodeURIComponent(id).replaceAll('*', '%2A').length > 128;
    }),
  },
];
