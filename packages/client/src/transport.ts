import { type ActionDescriptor, actions, apiVersion, type CompactSchema, retryableErrorCodes } from '@iot-task/spec';
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
import { EMPTY_BODY_SHA256 } from './hashing.ts';
import type { ClientHooks } from './hooks.ts';
import { normalizeJson } from './normalizeJson.ts';
import { percentEncode } from './percentEncode.ts';
import { backoffDelay, type RetryPolicy, sleep } from './retryPolicy.ts';
import { signRpc } from './signRpc.ts';
import { canonicalizeV3Query, signV3 } from './signV3.ts';
import type { TokenBucket } from './tokenBucket.ts';

/**
 * `v3`: ACS3-HMAC-SHA256; `v1`: RPC HMAC-SHA1; `none`: send unsigned, to a same-origin endpoint
 * that signs on the server (see createSigningProxy) — for browsers, which must hold no secret.
 */
export type SignatureVersion = 'v3' | 'v1' | 'none';
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

const retryableCodes = new Set<string>(retryableErrorCodes);

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

function snippet(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Retryable: the spec's catalogue says so, or any 5xx, or any throttling code the catalogue lacks. */
function isRetryableCode(code: string, httpStatus: number): boolean {
  return retryableCodes.has(code) || httpStatus >= 500 || code.startsWith('Throttling');
}

type Parsed = { ok: true; value: unknown; xml: boolean } | { ok: false; reason: string };

async function parseBody(text: string, contentType: string | null, schema: CompactSchema | undefined): Promise<Parsed> {
  if (/html/i.test(contentType ?? '')) return { ok: false, reason: 'an HTML page' };
  const xml = /xml/i.test(contentType ?? '') || (text.trimStart().startsWith('<') && !/json/i.test(contentType ?? ''));
  if (xml) {
    // XML is rare (opt-in `format: 'XML'`), so its reader loads on first use.
    const { decodeXmlBody } = await import('./decodeXmlBody.ts');
    try {
      return { ok: true, value: decodeXmlBody(schema, text), xml: true };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : 'not XML' };
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
  credentials: Credentials | undefined,
): Promise<SignedRequest> {
  const accept = config.format === 'XML' ? 'text/xml' : 'application/json';
  const origin = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  if (config.signatureVersion === 'none') {
    const query = canonicalizeV3Query({ ...params, Action: action, Format: config.format });
    return { url: `${origin}/?${query}`, headers: { accept } };
  }
  if (!credentials) throw new Error('credentials are needed to sign');
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
  const { authorization, canonicalQuery } = await signV3(
    { method, pathname: '/', query, headers, payloadHash: EMPTY_BODY_SHA256 },
    credentials.accessKeyId,
    credentials.accessKeySecret,
  );
  // `host` is signed but set by fetch itself from the URL (browsers forbid setting it).
  const { host: _host, ...sent } = headers;
  return { url: `${origin}/?${canonicalQuery}`, headers: { ...sent, accept, authorization } };
}

/**
 * Deadlines and cancellation of one call without AbortSignal.timeout/any (each of those keeps
 * a timer or weak references alive long after the call): one controller for the call, one per
 * attempt, plain timers that are always cleared.
 */
class CallSignals {
  readonly call = new AbortController();
  stoppedBy: 'caller' | 'deadline' | undefined;
  private attempt: AbortController | undefined;
  private attemptTimedOut = false;
  private readonly deadline: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = () => this.stop('caller');
  private readonly caller: AbortSignal;

  constructor(caller: AbortSignal, timeoutMs: number) {
    this.caller = caller;
    this.deadline = setTimeout(() => this.stop('deadline'), timeoutMs);
    if (caller.aborted) this.stop('caller');
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get callerReason(): unknown {
    return this.caller.reason;
  }

  private stop(why: 'caller' | 'deadline'): void {
    this.stoppedBy ??= why;
    this.call.abort();
    this.attempt?.abort();
  }

  /** A signal for one attempt, aborted by the call or after `timeoutMs`; `end()` releases it. */
  startAttempt(timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; end: () => void } {
    const controller = new AbortController();
    this.attempt = controller;
    this.attemptTimedOut = false;
    if (this.call.signal.aborted) controller.abort();
    const timer = setTimeout(() => {
      this.attemptTimedOut = true;
      controller.abort();
    }, timeoutMs);
    return {
      signal: controller.signal,
      timedOut: () => this.attemptTimedOut,
      end: () => {
        clearTimeout(timer);
        if (this.attempt === controller) this.attempt = undefined;
      },
    };
  }

  dispose(): void {
    clearTimeout(this.deadline);
    this.caller.removeEventListener('abort', this.onCallerAbort);
  }
}

/**
 * The `fetch` the generated hey-api client sends through. It takes the request the generated
 * SDK built (action and parameters in the URL), and for each attempt: waits for the quota,
 * signs with fresh nonce and timestamp, sends with a per-attempt timeout, reads JSON or XML,
 * and turns every failure into a typed IotTaskError, retrying the retryable ones with backoff.
 * A success is handed back to hey-api as JSON with `x-iot-task-decode` values decoded.
 */
export function createTransport(config: TransportConfig) {
  // Static credentials are checked once; a provider is asked (and checked) at every attempt.
  let checked: Promise<Credentials> | undefined;
  const credentials = (): Promise<Credentials> => {
    if (typeof config.credentials === 'function') return resolveCredentials(config.credentials);
    checked ??= resolveCredentials(config.credentials);
    return checked;
  };

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
    const signals = new CallSignals(request.signal, timeoutMs);
    const stopped = (): IotTaskError | undefined => {
      if (signals.stoppedBy === 'caller') {
        return new AbortedError({
          code: 'Aborted',
          message: `${action} aborted`,
          retryable: false,
          cause: signals.callerReason,
        });
      }
      if (signals.stoppedBy === 'deadline') {
        return new TimeoutError({
          code: 'Timeout',
          message: `${action} did not complete within ${timeoutMs} ms`,
          retryable: false,
        });
      }
      return undefined;
    };

    try {
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
          await sleep(delayMs, signals.call.signal);
        } catch {
          throw stopped() ?? error;
        }
      }
    } finally {
      signals.dispose();
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
      // Unsigned requests go to an endpoint that signs (and keeps the quota) on the server.
      const resolved = config.signatureVersion === 'none' ? undefined : await credentials();
      if (config.quota && resolved) await config.quota(resolved.accessKeyId).acquire(signals.call.signal);
      const signed = await signRequest(config, method, url, action, params, resolved);
      config.hooks.onRequest?.({
        action,
        attempt,
        method,
        url: redact(signed.url),
        signatureVersion: config.signatureVersion,
      });
      const current = signals.startAttempt(config.attemptTimeoutMs);
      const started = Date.now();
      let response: Response;
      let text: string;
      try {
        response = await config.fetch(signed.url, { method, headers: signed.headers, signal: current.signal });
        text = await response.text();
      } catch (caught) {
        const stop = stopped();
        if (stop) throw stop;
        if (current.timedOut()) {
          throw new TimeoutError({
            code: 'AttemptTimeout',
            message: `${action} attempt ${attempt} got no complete answer within ${config.attemptTimeoutMs} ms`,
            retryable: true,
          });
        }
        throw unexpected(caught);
      } finally {
        current.end();
      }
      return interpret(attempt, response, text, Date.now() - started);
    }

    async function interpret(attempt: number, response: Response, text: string, durationMs: number): Promise<Response> {
      const status = response.status;
      const headerRequestId = response.headers.get('x-acs-request-id') ?? undefined;
      const isError = status >= 400;
      const schema = isError
        ? (descriptor.responses['400'] ?? descriptor.responses['500'])?.schema
        : descriptor.responses['200']?.schema;
      const parsed = await parseBody(text, response.headers.get('content-type'), schema ?? undefined);
      const body =
        parsed.ok && parsed.value !== null && typeof parsed.value === 'object'
          ? (parsed.value as Record<string, unknown>)
          : undefined;
      const requestId = typeof body?.RequestId === 'string' ? body.RequestId : headerRequestId;
      config.hooks.onResponse?.({ action, attempt, httpStatus: status, requestId, durationMs });

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
        const { validateValue } = await import('./validateValue.ts');
        const issues = validateValue(schema, value);
        if (issues.length > 0) {
          if (config.responseValidation === 'error') throw new ResponseDriftError(action, issues, requestId);
          if (config.hooks.onDrift) config.hooks.onDrift({ action, requestId, issues });
          else console.warn(new ResponseDriftError(action, issues, requestId).message);
        }
      }
      // Unchanged JSON goes back as the very text that arrived.
      return new Response(value === body && parsed.ok && !parsed.xml ? text : JSON.stringify(value), {
        status: 200,
        // Headers carry printable ASCII only; a RequestId with anything else stays in the body.
        headers: {
          'content-type': 'application/json',
          ...(requestId && /^[\x20-\x7e]+$/.test(requestId) ? { 'x-acs-request-id': requestId } : {}),
        },
      });
    }
  };
}
