import { integerIn, milliseconds, oneOf, optionalFunction, optionsObject } from './checkOptions.ts';
import { type OperationClient, withTransport } from './clientTransport.ts';
import type { Credentials, CredentialsProvider } from './credentials.ts';
import { chooseEndpoint } from './endpoints.ts';
import { ValidationError } from './errors.ts';
import type { ClientHooks } from './hooks.ts';
import { quotaPlan } from './quota/quotaPlan.ts';
import type { QuotaOptions, QuotaStore } from './quota/quotaStore.ts';
import { type RetryOptions, retryPolicy } from './retryPolicy.ts';
import { createTransport } from './transport/callAction.ts';
import type { ResponseValidation } from './transport/decodeAnswer.ts';
import { fetchSend } from './transport/fetchSend.ts';
import { nodeBuiltin } from './transport/nodeBuiltins.ts';
import type { Send } from './transport/send.ts';
import type { ResponseFormat, SignatureVersion } from './transport/signatureChoice.ts';

export interface IotTaskClientOptions {
  /** Region, e.g. `cn-shanghai`; chooses each API family's endpoint as the official SDK does. */
  region?: string;
  /** A host or base URL that wins over `region`: a mock server, a proxy, a private endpoint. */
  endpoint?: string;
  /** @default fromEnv() — ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN */
  credentials?: Credentials | CredentialsProvider;
  /** @default 'POST', as the official SDK sends */
  method?: 'GET' | 'POST';
  /**
   * `v3` is ACS3-HMAC-SHA256; `v1` is the RPC HMAC-SHA1 scheme; `none` sends unsigned requests
   * to an `endpoint` that signs on the server (createSigningProxy), so a browser app holds no
   * secret. @default the API family's default (`v3` for IoT 2018-01-20, as the official SDK)
   */
  signatureVersion?: SignatureVersion;
  /** Wire format; results are the same typed values either way. @default 'JSON' */
  format?: ResponseFormat;
  /**
   * Deadline of a call on the wire: its attempts and the waits between them (retries, a
   * credentials provider), not its waits for a turn in the quota (`quota.maxWaitMs`). @default 15000
   */
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
  /**
   * Each API's quota, kept before requests leave: options for a quota kept in this process, a
   * store shared by processes and machines (`redisQuota(…)` from @iot-task/quota-redis), or
   * `false` for none. @default each action's quota from the spec, in this process, per AccessKey
   */
  quota?: QuotaOptions | QuotaStore | false;
  /**
   * Check every success against the spec's schema before returning it. `'error'` (the default)
   * throws ResponseDriftError naming the fields, so no value contradicts its type; `'warn'` and
   * `'off'` let drifted values through (they keep the RequestId and `Success` checks). @default 'error'
   */
  responseValidation?: ResponseValidation;
  hooks?: ClientHooks;
  /**
   * The fetch to send with. @default on Node, node:http(s) with keep-alive agents (no fetch);
   * elsewhere globalThis.fetch
   */
  fetch?: typeof fetch;
}

/**
 * How requests leave: an injected `fetch` if given; on Node, node:http(s) with keep-alive;
 * elsewhere the global `fetch`.
 */
function sendStage(injected: typeof fetch | undefined): Send {
  if (injected) return fetchSend(injected);
  if (!nodeBuiltin('node:http')) return fetchSend((input, init) => globalThis.fetch(input, init));
  // Loaded on the first call: a browser bundle keeps it in a chunk it never fetches.
  let loaded: Promise<Send> | undefined;
  return async (request, signal) => {
    loaded ??= import('./transport/nodeHttpSend.ts').then((module) => module.nodeHttpSend());
    return (await loaded)(request, signal);
  };
}

/** A client with no action of its own: call actions through it with the generated functions. */
export type IotTaskCore = OperationClient;

/** A value read from the caller's objects, or undefined if reading it throws (the call names that later). */
function readSafely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Hooks checked now: an object whose every hook is a function. */
function checkedHooks(given: ClientHooks | undefined): ClientHooks {
  const hooks = optionsObject('hooks', given) ?? {};
  for (const name of ['onRequest', 'onRetry', 'onResponse', 'onDrift'] as const) {
    optionalFunction(`hooks.${name}`, hooks[name]);
  }
  return hooks;
}

/**
 * The runtime of a client, with no action bound to it: everything the generated operations need
 * to call an action — validation, the quota, signing, sending, reading, checking the answer and
 * retrying what is safe to retry — and nothing else, so an app carries only the operations it
 * imports. `createIotTaskClient` is this plus every action as a method.
 *
 * @example
 * import { createIotTaskCore, queryTask } from '@iot-task/client';
 * const core = createIotTaskCore({ region: 'cn-shanghai' });
 * const { Data: task } = await queryTask(core, { TaskId: 'MSnT9***q010101' });
 */
/** Every option the client takes: any other name is a typo (`timeoutMS`) that must not pass silently. */
const OPTION_NAMES: readonly (keyof IotTaskClientOptions)[] = [
  'region',
  'endpoint',
  'credentials',
  'method',
  'signatureVersion',
  'format',
  'timeoutMs',
  'attemptTimeoutMs',
  'maxResponseBytes',
  'retry',
  'quota',
  'responseValidation',
  'hooks',
  'fetch',
];

export function createIotTaskCore(given: IotTaskClientOptions = {}): IotTaskCore {
  const options = optionsObject('options', given) ?? {};
  for (const name of Object.keys(options)) {
    if ((OPTION_NAMES as readonly string[]).includes(name) || options[name as keyof typeof options] === undefined)
      continue;
    const meant = OPTION_NAMES.find((known) => known.toLowerCase() === name.toLowerCase());
    throw new ValidationError(
      name,
      meant ? `no such option; did you mean ${meant}?` : `no such option; the client takes ${OPTION_NAMES.join(', ')}`,
    );
  }
  const endpoint = chooseEndpoint(options);
  const staticKey = readSafely(() =>
    typeof options.credentials === 'object' ? options.credentials?.accessKeyId : undefined,
  );
  const quota =
    options.quota === false
      ? undefined
      : quotaPlan(options.quota, typeof staticKey === 'string' ? staticKey : undefined);
  const transport = createTransport({
    endpoint,
    method: oneOf('method', options.method, ['GET', 'POST'], 'POST'),
    signatureVersion: oneOf('signatureVersion', options.signatureVersion, ['v3', 'v1', 'none']),
    format: oneOf('format', options.format, ['JSON', 'XML'], 'JSON'),
    credentials: options.credentials,
    retry: retryPolicy(options.retry),
    quota,
    timeoutMs: milliseconds('timeoutMs', options.timeoutMs, 15_000),
    attemptTimeoutMs: milliseconds('attemptTimeoutMs', options.attemptTimeoutMs, 5_000),
    maxResponseBytes: integerIn('maxResponseBytes', options.maxResponseBytes, 1_048_576, 1, 2 ** 30),
    responseValidation: oneOf('responseValidation', options.responseValidation, ['off', 'warn', 'error'], 'error'),
    hooks: checkedHooks(options.hooks),
    send: sendStage(optionalFunction('fetch', options.fetch)),
  });
  return withTransport({ endpoint }, transport);
}
