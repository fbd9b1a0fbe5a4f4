import { type ActionDescriptor, actions } from '@iot-task/spec';
import { type Credentials, type CredentialsProvider, fromEnv } from './credentials.ts';
import { resolveBaseUrl } from './endpoints.ts';
import { ValidationError } from './errors.ts';
import { type ActionTypes, type CommonQueryParameter, sdkFunctions } from './generated/actions.gen.ts';
import { type Client, createClient } from './generated/client/index.ts';
import type { ClientHooks } from './hooks.ts';
import { type RetryOptions, retryPolicy } from './retryPolicy.ts';
import { sharedTokenBucket, TokenBucket } from './tokenBucket.ts';
import { createTransport, type ResponseFormat, type ResponseValidation, type SignatureVersion } from './transport.ts';
import { validateParams } from './validateParams.ts';
import { type WaitForTaskOptions, waitForTask } from './waitForTask.ts';

/** Name of an action the client can call. */
export type ActionName = keyof ActionTypes;

/**
 * What the client returns for a wire type: values the spec marks `x-iot-task-decode: number`
 * (the only `number | string` union in this API: `Progress`) are numbers.
 */
export type Decoded<T> = undefined extends T ? DecodedValue<NonNullable<T>> | undefined : DecodedValue<T>;

type DecodedValue<T> = [T] extends [string | number]
  ? [string | number] extends [T]
    ? number
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
  /** @default the operation's `x-acs-quota` (5) */
  requestsPerSecond?: number;
  /**
   * Requests that may go at once after a quiet spell. The default keeps one token below the
   * server's burst, so timing jitter between the two buckets never draws `Throttling.User`.
   * @default requestsPerSecond − 1 (at least 1)
   */
  burst?: number;
  /**
   * Clients with the same key share one bucket in the process. The quota is per account; give
   * AccessKeys of one account the same key. @default the AccessKey ID
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
  /** `false` sends each call once. @default { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000 } */
  retry?: RetryOptions | false;
  /** Client-side token bucket; `false` turns it off. @default the spec's 5 requests per second per AccessKey */
  quota?: QuotaOptions | false;
  /** Check responses against the spec: report drift as an error, a warning, or not at all. @default 'off' */
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
  /** The generated hey-api client, wired to this client's transport (for the generated TanStack helpers). */
  readonly heyApiClient: Client;
  /** Where requests go. */
  readonly baseUrl: string;
}

function positive(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(field, 'a positive number of milliseconds', String(value));
  }
  return value;
}

function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new ValidationError(field, `one of ${allowed.join(', ')}`, JSON.stringify(value));
  return value;
}

/**
 * Creates a client for IoT Platform QueryTask: the generated SDK behind a runtime that signs,
 * throttles to the quota, retries what is safe to retry, times out, and throws typed errors.
 *
 * @example
 * const client = createIotTaskClient({ region: 'cn-shanghai' });
 * const task = await client.waitForTask('MSnT9***q010101', { onProgress: (t) => console.log(t.Status) });
 */
export function createIotTaskClient(options: IotTaskClientOptions = {}): IotTaskClient {
  const baseUrl = resolveBaseUrl(options);
  const method = oneOf('method', options.method, ['GET', 'POST'], 'POST');
  const quota = options.quota;
  const rate = quota === false ? 0 : (quota?.requestsPerSecond ?? actions.QueryTask.quota.requestsPerSecond);
  const burst = quota === false ? 0 : (quota?.burst ?? Math.max(1, rate - 1));
  if (quota !== false) new TokenBucket(rate, burst); // throws a RangeError naming a bad rate or burst, now
  const transport = createTransport({
    credentials: options.credentials ?? fromEnv(),
    signatureVersion: oneOf('signatureVersion', options.signatureVersion, ['v3', 'v1', 'none'], 'v3'),
    format: oneOf('format', options.format, ['JSON', 'XML'], 'JSON'),
    retry: retryPolicy(options.retry),
    quota: quota === false ? undefined : (accessKeyId) => sharedTokenBucket(quota?.key ?? accessKeyId, rate, burst),
    timeoutMs: positive('timeoutMs', options.timeoutMs, 15_000),
    attemptTimeoutMs: positive('attemptTimeoutMs', options.attemptTimeoutMs, 5_000),
    responseValidation: oneOf('responseValidation', options.responseValidation, ['off', 'warn', 'error'], 'off'),
    hooks: options.hooks ?? {},
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
  });
  const heyApiClient = createClient({ baseUrl, fetch: (request) => transport(request as Request) });

  async function call<A extends ActionName>(
    action: A,
    params: ActionParams<A>,
    callOptions: CallOptions = {},
  ): Promise<ActionResult<A>> {
    const descriptor: ActionDescriptor = actions[action];
    const query = validateParams(descriptor, params);
    const timeoutMs = positive('timeoutMs', callOptions.timeoutMs, Number.POSITIVE_INFINITY);
    const byMethod = sdkFunctions[action] as Partial<Record<'GET' | 'POST', (typeof sdkFunctions)[A]['GET']>>;
    const send = byMethod[method] ?? byMethod.GET ?? byMethod.POST;
    if (!send) throw new ValidationError('method', `a method ${action} supports (${descriptor.methods.join(', ')})`);
    const { data } = await send({
      client: heyApiClient,
      query: { ...query, Action: action } as never,
      signal: callOptions.signal,
      throwOnError: true,
      fetch: (request: Request) => transport(request, Number.isFinite(timeoutMs) ? { timeoutMs } : {}),
    } as never);
    // The transport throws on `Success: false`, so what arrives here is the success branch.
    const body = data as unknown as { RequestId: string; Data: ActionData<A> };
    return { requestId: body.RequestId, data: body.Data };
  }

  const client: IotTaskClient = {
    baseUrl,
    heyApiClient,
    call,
    async queryTask(params, callOptions) {
      return (await call('QueryTask', params, callOptions)).data;
    },
    waitForTask(taskId, waitOptions) {
      return waitForTask(client, taskId, waitOptions);
    },
  };
  return client;
}
