import { type ActionDescriptor, actions, apiVersion, errorCodes } from '@iot-task/spec';
import { type Credentials, type CredentialsProvider, resolveCredentials } from './credentials.ts';
import {
  AbortedError,
  BusinessError,
  GatewayError,
  IotTaskError,
  NetworkError,
  ResponseDriftError,
  ResponseParseError,
  TimeoutError,
  ValidationError,
} from './errors.ts';
import type { ClientHooks } from './hooks.ts';
import { parseXml, XmlSyntaxError } from './parseXml.ts';
import { percentEncode } from './percentEncode.ts';
import { backoffDelay, type RetryPolicy, sleep } from './retryPolicy.ts';
import { decodeXml, normalizeJson, validateValue } from './schemaValue.ts';
import { signRpc } from './signRpc.ts';
import { canonicalizeV3Query, signV3 } from './signV3.ts';
import type { TokenBucket } from './tokenBucket.ts';
import { EMPTY_BODY_SHA256 } from './webCrypto.ts';

export type SignatureVersion = 'v3' | 'v1';
export type ResponseFormat = 'JSON' | 'XML';
export type ResponseValidation = 'off' | 'warn' | 'error';

export interface TransportConfig {
  credentials: Credentials | CredentialsProvider;
  signatureVersion: SignatureVersion;
  format: ResponseFormat;
  retry: RetryPolicy;
  /** The bucket to draw from for an AccessKey ID, or undefined for no client-side quota. */
  quota: ((accessKeyId: string) => TokenBucket) | undefined;
  timeoutMs: number;
  attemptTimeoutMs: number;
  responseValidation: ResponseValidation;
  hooks: ClientHooks;
  fetch: typeof fetch;
}

/** Per-call settings that override the client's. */
export interface CallContext {
  timeoutMs?: number | undefined;
}

/** Parameters the transport sets itself; whatever the generated SDK put there is replaced. */
const PROTOCOL_PARAMETERS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
  'SecurityToken',
]);

const catalog = new Map<string, (typeof errorCodes)[number]>(errorCodes.map((e) => [e.code, e]));

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

function snippet(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function isRetryableCode(code: string, httpStatus: number): boolean {
  const known = catalog.get(code);
  if (known) return known.retryable;
  return httpStatus >= 500 || code.startsWith('Throttling');
}

type Parsed = { ok: true; value: unknown; xml: boolean } | { ok: false; reason: string };

function parseBody(text: string, contentType: string | null, schema: Parameters<typeof decodeXml>[0]): Parsed {
  if (/html/i.test(contentType ?? '')) return { ok: false, reason: 'an HTML page' };
  const trimmed = text.trimStart();
  const xml = /xml/i.test(contentType ?? '') || (trimmed.startsWith('<') && !/json/i.test(contentType ?? ''));
  if (xml) {
    try {
      return { ok: true, value: decodeXml(schema, parseXml(text)), xml: true };
    } catch (error) {
      return { ok: false, reason: error instanceof XmlSyntaxError ? error.message : 'not XML' };
    }
  }
  try {
    return { ok: true, value: JSON.parse(text), xml: false };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : 'not JSON' };
  }
}

function redact(url: string): string {
  return url.replace(/([?&](?:Signature|SecurityToken)=)[^&]*/g, '$1***');
}

interface SignedRequest {
  url: string;
  headers: Record<string, string>;
}

async function signRequest(
  config: TransportConfig,
  method: string,
  base: URL,
  action: string,
  params: Record<string, string>,
  credentials: Credentials,
): Promise<SignedRequest> {
  const accept = config.format === 'XML' ? 'text/xml' : 'application/json';
  const origin = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  if (config.signatureVersion === 'v1') {
    const all: Record<string, string> = {
      ...params,
      Action: action,
      Version: apiVersion,
      Format: config.format,
      AccessKeyId: credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: nonce(),
      Timestamp: timestamp(),
    };
    if (credentials.securityToken) all.SecurityToken = credentials.securityToken;
    const { signature, query } = await signRpc(method, all, credentials.accessKeySecret);
    return { url: `${origin}/?${query}&Signature=${percentEncode(signature)}`, headers: { accept } };
  }
  const query = { ...params, Format: config.format };
  const headers: Record<string, string> = {
    host: base.host,
    'x-acs-action': action,
    'x-acs-version': apiVersion,
    'x-acs-date': timestamp(),
    'x-acs-signature-nonce': nonce(),
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
  };
  if (credentials.securityToken) headers['x-acs-security-token'] = credentials.securityToken;
  const { authorization } = await signV3(
    { method, pathname: '/', query, headers, payloadHash: EMPTY_BODY_SHA256 },
    credentials.accessKeyId,
    credentials.accessKeySecret,
  );
  // `host` is signed but set by fetch itself from the URL (browsers forbid setting it).
  const { host: _host, ...sent } = headers;
  return { url: `${origin}/?${canonicalizeV3Query(query)}`, headers: { ...sent, accept, authorization } };
}

/**
 * The `fetch` the generated hey-api client sends through. It takes the request the generated
 * SDK built (action and parameters in the URL), and for each attempt: waits for the quota,
 * signs with fresh nonce and timestamp, sends with a per-attempt timeout, reads JSON or XML,
 * and turns every failure into a typed IotTaskError, retrying the retryable ones with backoff.
 * A success is handed back to hey-api as canonical JSON (Progress as a number).
 */
export function createTransport(config: TransportConfig) {
  return async function transport(request: Request, context: CallContext = {}): Promise<Response> {
    const url = new URL(request.url);
    const action = url.searchParams.get('Action') ?? request.headers.get('x-acs-action') ?? '';
    const found = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
    if (!found) {
      throw new ValidationError('Action', `one of ${Object.keys(actions).join(', ')}`, JSON.stringify(action));
    }
    const descriptor: ActionDescriptor = found;
    const params: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (!PROTOCOL_PARAMETERS.has(name)) params[name] = value;
    const method = request.method.toUpperCase();
    const timeoutMs = context.timeoutMs ?? config.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);
    const overall = AbortSignal.any([request.signal, deadline]);
    const stopped = (): IotTaskError | undefined => {
      if (request.signal.aborted) {
        return new AbortedError({
          code: 'Aborted',
          message: `${action} aborted`,
          retryable: false,
          cause: request.signal.reason,
        });
      }
      if (deadline.aborted) {
        return new TimeoutError({
          code: 'Timeout',
          message: `${action} did not complete within ${timeoutMs} ms`,
          retryable: false,
        });
      }
      return undefined;
    };

    for (let attempt = 1; ; attempt++) {
      let error: IotTaskError;
      try {
        return await sendOnce(attempt);
      } catch (caught) {
        error = stopped() ?? (caught instanceof IotTaskError ? caught : unexpected(caught));
      }
      if (!error.retryable || attempt >= config.retry.maxAttempts) throw error;
      const delayMs = backoffDelay(config.retry, attempt);
      config.hooks.onRetry?.({ action, attempt, delayMs, error });
      try {
        await sleep(delayMs, overall);
      } catch {
        throw stopped() ?? error;
      }
    }

    function unexpected(caught: unknown): IotTaskError {
      return new NetworkError({
        code: 'NetworkError',
        message: `${action} failed before an answer: ${caught instanceof Error ? caught.message : String(caught)}`,
        retryable: true,
        cause: caught,
      });
    }

    async function sendOnce(attempt: number): Promise<Response> {
      const credentials = await resolveCredentials(config.credentials);
      if (config.quota) await config.quota(credentials.accessKeyId).acquire(overall);
      const signed = await signRequest(config, method, url, action, params, credentials);
      config.hooks.onRequest?.({
        action,
        attempt,
        method,
        url: redact(signed.url),
        signatureVersion: config.signatureVersion,
      });
      const attemptDeadline = AbortSignal.timeout(config.attemptTimeoutMs);
      const signal = AbortSignal.any([overall, attemptDeadline]);
      const started = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await config.fetch(signed.url, { method, headers: signed.headers, signal });
        text = await response.text();
      } catch (caught) {
        const stop = stopped();
        if (stop) throw stop;
        if (attemptDeadline.aborted) {
          throw new TimeoutError({
            code: 'AttemptTimeout',
            message: `${action} attempt ${attempt} got no complete answer within ${config.attemptTimeoutMs} ms`,
            retryable: true,
          });
        }
        throw unexpected(caught);
      }
      const status = response.status;
      const headerRequestId = response.headers.get('x-acs-request-id') ?? undefined;
      const isError = status >= 400;
      const schema = isError
        ? (descriptor.responses['400'] ?? descriptor.responses['500'])?.schema
        : descriptor.responses['200']?.schema;
      const parsed = parseBody(text, response.headers.get('content-type'), schema ?? undefined);
      const body =
        parsed.ok && parsed.value !== null && typeof parsed.value === 'object'
          ? (parsed.value as Record<string, unknown>)
          : undefined;
      const requestId = typeof body?.RequestId === 'string' ? body.RequestId : headerRequestId;
      config.hooks.onResponse?.({ action, attempt, httpStatus: status, requestId, durationMs: Date.now() - started });

      const looksLikeError =
        body !== undefined && ['Code', 'Message', 'RequestId'].some((k) => typeof body[k] === 'string');
      if (!body || (isError && !looksLikeError)) {
        throw new ResponseParseError({
          code: 'ResponseParseError',
          message: `${action}: HTTP ${status} with a body that is not a ${isError ? 'gateway error' : 'response'} document (${parsed.ok ? 'unexpected shape' : parsed.reason})`,
          requestId,
          httpStatus: status,
          retryable: status >= 500 || !isError,
          bodySnippet: snippet(text),
        });
      }
      if (isError || status < 200 || status >= 300) {
        const code = typeof body.Code === 'string' && body.Code !== '' ? body.Code : `HTTP${status}`;
        throw new GatewayError({
          code,
          message: typeof body.Message === 'string' ? body.Message : `HTTP ${status}`,
          requestId,
          httpStatus: status,
          retryable: isRetryableCode(code, status),
          hostId: typeof body.HostId === 'string' ? body.HostId : undefined,
          recommend: typeof body.Recommend === 'string' ? body.Recommend : undefined,
        });
      }
      if (body.Success === false) {
        const code = typeof body.Code === 'string' && body.Code !== '' ? body.Code : 'UnknownBusinessError';
        throw new BusinessError({
          code,
          message: typeof body.ErrorMessage === 'string' ? body.ErrorMessage : code,
          requestId,
          httpStatus: status,
          retryable: isRetryableCode(code, 0),
        });
      }
      if (body.Success !== true) {
        throw new ResponseParseError({
          code: 'ResponseParseError',
          message: `${action}: HTTP ${status} without a boolean Success field`,
          requestId,
          httpStatus: status,
          retryable: false,
          bodySnippet: snippet(text),
        });
      }
      const value = parsed.ok && parsed.xml ? body : normalizeJson(schema ?? undefined, body);
      if (config.responseValidation !== 'off' && schema) {
        const issues = validateValue(schema, value);
        if (issues.length > 0) {
          if (config.responseValidation === 'error') throw new ResponseDriftError(action, issues, requestId);
          if (config.hooks.onDrift) config.hooks.onDrift({ action, requestId, issues });
          else console.warn(new ResponseDriftError(action, issues, requestId).message);
        }
      }
      return new Response(JSON.stringify(value), {
        status: 200,
        headers: { 'content-type': 'application/json', ...(requestId ? { 'x-acs-request-id': requestId } : {}) },
      });
    }
  };
}
