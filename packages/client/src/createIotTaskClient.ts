import { type ActionDescriptor, actions } from '@iot-task/spec';
import { attachTransport } from './clientTransport.ts';
import { type Credentials, type CredentialsProvider, fromEnv } from './credentials.ts';
import { resolveBaseUrl } from './endpoints.ts';
import { ValidationError } from './errors.ts';
import type { ActionTypes, CommonQueryParameter } from './generated/actions.gen.ts';
import type { ClientHooks } from './hooks.ts';
import { type RetryOptions, retryPolicy } from './retryPolicy.ts';
import { sharedTokenBucket, TokenBucket } from './tokenBucket.ts';
import { createTransport } from './transport/callAction.ts';
import type { ResponseValidation } from './transport/decodeAnswer.ts';
import { fetchSend } from './transport/fetchSend.ts';
import type { ResponseFormat, SignatureVersion } from './transport/signRequest.ts';
import { type WaitForTaskOptions, waitForTask } from './waitForTask.ts';

/** Name of an action the client can call. */
export type ActionName = keyof ActionTypes;

/**
 * What the client returns for a wire type: values the spec marks `x-iot-task-decode: number`
 * (the only `number | string` union in this API: `Progress`) are numbers, and a string enum is an
 * open union — its known values, or another string the spec does not list yet
 * (decisions/unknown-enum-values.md).
 */
export type Decoded<T> = undefined extends T ? DecodedValue<NonNullable<T>> | undefined : DecodedValue<T>;

type DecodedValue<T> = [T] extends [string | number]
  ? [string | number] extends [T]
    ? number
    : [T] extends [string]
      ? string extends T
        ? T
        : T | (string & {})
      : T
  : T extends readonly (infer U)[]
    ? Decoded<U>[]
    : T extends object
      ? { [K in keyof T]: Decoded<T[K]> }
      : T;

/** An action's own parameters (the runtime adds the common ones). */
export type ActionParams<A extends ActionName> = Omit<ActionTypes[A]['query'], CommonQueryParameter>;
/** An action's `Data`, decoded. */
export type ActionData<A extends ActionName> = Decoded<ActionTypes[A]['success']['Data']>;
export interface ActionResult<A extends ActionName> {
  requestId: string;
  data: ActionData<A>;
}

/** `{ TaskId, IotInstanceId? }` */
export type QueryTaskParams = ActionParams<'QueryTask'>;
/** One device's task, `Progress` as a number. */
export type TaskResult = ActionData<'QueryTask'>;

export interface QuotaOptions {
  /** @default each action's `x-acs-quota` (5 for QueryTask) */
  requestsPerSecond?: number;
  /**
   * Requests that may go at once after a quiet spell, at most `requestsPerSecond`. Whatever it
   * is, no more than `requestsPerSecond` requests start in any one second. The default keeps one
   * below the server's burst, so timing jitter between the two never draws `Throttling.User`.
   * @default requestsPerSecond − 1 (at least 1)
   */
  burst?: number;
  /**
   * Clients with the same key share one bucket per action in the process. The quota is per
   * account; give AccessKeys of one account the same key. @default the AccessKey ID
   */
  key?: string;
}

export interface IotTaskClientOptions {
  /** Region, e.g. `cn-shanghai`; chooses the endpoint as the official SDK does. */
  region?: string;
  /** A host or base URL that wins over `region`: a mock server, a proxy, a private endpoint. */
  endpoint?: string;
  /** @default fromEnv() — ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN */
  credentials?: Credentials | CredentialsProvider;
  /** @default 'POST', as the official SDK sends */
  method?: 'GET' | 'POST';
  /**
   * `v3` is ACS3-HMAC-SHA256 (the official SDK's default); `v1` is the RPC HMAC-SHA1 scheme;
   * `none` sends unsigned requests to an `endpoint` that signs on the server (createSigningProxy),
   * so a browser app holds no secret. @default 'v3'
   */
  signatureVersion?: SignatureVersion;
  /** Wire format; results are the same typed values either way. @default 'JSON' */
  format?: ResponseFormat;
  /** Deadline of a call, retries and quota waits included. @default 15000 */
  timeoutMs?: number;
  /** Deadline of one attempt. @default 5000 */
  attemptTimeoutMs?: number;
  /**
   * Largest response body read, in bytes after decompression; a larger one is a
   * ResponseParseError (`ResponseTooLarge`) and its connection is closed. @default 1048576 (1 MiB)
   */
  maxResponseBytes?: number;
  /** `false` sends each call once. @default { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000 } */
  retry?: RetryOptions | false;
  /** Client-side quota; `false` turns it off. @default each action's quota from the spec, per AccessKey */
  quota?: QuotaOptions | false;
  /**
   * Check every success against the spec's schema before returning it. `'error'` (the default)
   * throws ResponseDriftError naming the fields, so no value contradicts its type; `'warn'` and
   * `'off'` let drifted values through (they keep the RequestId and `Success` checks). @default 'error'
   */
  responseValidation?: ResponseValidation;
  hooks?: ClientHooks;
  /** The fetch to send with. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

export interface IotTaskClient {
  /**
   * Queries one device's task.
   * @example const task = await client.queryTask({ TaskId: 'MSnT9***q010101' });
   */
  queryTask(params: QueryTaskParams, options?: CallOptions): Promise<TaskResult>;
  /** Polls a task until it reaches a terminal status; see {@link WaitForTaskOptions}. */
  waitForTask(taskId: string, options?: WaitForTaskOptions): Promise<TaskResult>;
  /** Calls any action of the spec with its own parameters; returns `Data` and the RequestId. */
  call<A extends ActionName>(action: A, params: ActionParams<A>, options?: CallOptions): Promise<ActionResult<A>>;
  /** Where requests go. */
  readonly baseUrl: string;
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(field, 'a positive number', String(value));
  }
  return value;
}

function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new ValidationError(field, `one of ${allowed.join(', ')}`, JSON.stringify(value));
  return value;
}

/** Each action's bucket settings, checked now so a bad rate or burst fails at creation. */
function quotaFor(quota: QuotaOptions | undefined, descriptor: ActionDescriptor): { rate: number; burst: number } {
  const rate = quota?.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? 5;
  const burst = quota?.burst ?? Math.max(1, Math.ceil(rate) - 1);
  new TokenBucket(rate, burst); // throws a RangeError naming a bad rate or burst
  return { rate, burst };
}

/**
 * Creates a client for IoT Platform QueryTask: a runtime that validates, keeps the quota, signs,
 * sends, reads, checks the answer against the spec and retries what is safe to retry, throwing
 * typed errors. `heyApiClientFor(client)` (`@iot-task/client/hey-api`) wires the generated hey-api
 * SDK to the same runtime.
 *
 * @example
 * const client = createIotTaskClient({ region: 'cn-shanghai' });
 * const task = await client.waitForTask('MSnT9***q010101', { onProgress: (t) => console.log(t.Status) });
 */
export function createIotTaskClient(options: IotTaskClientOptions = {}): IotTaskClient {
  const baseUrl = resolveBaseUrl(options);
  const quota = options.quota;
  const buckets = new Map<string, { rate: number; burst: number }>();
  if (quota !== false) {
    for (const descriptor of Object.values(actions) as ActionDescriptor[]) {
      buckets.set(descriptor.action, quotaFor(quota, descriptor));
    }
  }
  const transport = createTransport({
    baseUrl,
    method: oneOf('method', options.method, ['GET', 'POST'], 'POST'),
    signatureVersion: oneOf('signatureVersion', options.signatureVersion, ['v3', 'v1', 'none'], 'v3'),
    format: oneOf('format', options.format, ['JSON', 'XML'], 'JSON'),
    credentials: options.credentials ?? fromEnv(),
    retry: retryPolicy(options.retry),
    quota:
      quota === false
        ? undefined
        : (accessKeyId, descriptor) => {
            const { rate, burst } = buckets.get(descriptor.action) ?? quotaFor(quota, descriptor);
            return sharedTokenBucket(`${quota?.key ?? accessKeyId}\u0000${descriptor.action}`, rate, burst);
          },
    timeoutMs: positive('timeoutMs', options.timeoutMs, 15_000),
    attemptTimeoutMs: positive('attemptTimeoutMs', options.attemptTimeoutMs, 5_000),
    maxResponseBytes: positive('maxResponseBytes', options.maxResponseBytes, 1_048_576),
    responseValidation: oneOf('responseValidation', options.responseValidation, ['off', 'warn', 'error'], 'error'),
    hooks: options.hooks ?? {},
    send: fetchSend(options.fetch ?? ((input, init) => globalThis.fetch(input, init))),
  });

  async function call<A extends ActionName>(
    action: A,
    params: ActionParams<A>,
    callOptions: CallOptions = {},
  ): Promise<ActionResult<A>> {
    if (!Object.hasOwn(actions, action)) {
      throw new ValidationError('action', `one of ${Object.keys(actions).join(', ')}`, JSON.stringify(action));
    }
    const descriptor: ActionDescriptor = actions[action];
    const timeoutMs = callOptions.timeoutMs === undefined ? undefined : positive('timeoutMs', callOptions.timeoutMs, 0);
    const { requestId, body } = await transport(descriptor, params, { signal: callOptions.signal, timeoutMs });
    return { requestId, data: body.Data as ActionData<A> };
  }

  const client: IotTaskClient = attachTransport(
    {
      baseUrl,
      call,
      async queryTask(params, callOptions) {
        return (await call('QueryTask', params, callOptions)).data;
      },
      waitForTask(taskId, waitOptions) {
        return waitForTask(client, taskId, waitOptions);
      },
    },
    baseUrl,
    transport,
  );
  return client;
}
