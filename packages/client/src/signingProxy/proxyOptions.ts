import { type ActionDescriptor, actions } from '@iot-task/spec';
import { describeValue, integerIn, milliseconds, oneOf, optionalFunction, optionsObject } from '../checkOptions.ts';
import type { ActionName } from '../createIotTaskClient.ts';
import type { IotTaskClientOptions } from '../createIotTaskCore.ts';
import { ValidationError } from '../errors.ts';

export interface SigningProxyOptions extends Omit<IotTaskClientOptions, 'signatureVersion' | 'format'> {
  /** The only actions forwarded; anything else is refused. @default ['QueryTask'] */
  allowedActions?: readonly ActionName[];
  /** Largest request body read from the browser, in bytes; a larger one is refused unread. @default 65536 */
  maxRequestBytes?: number;
  /**
   * How long a request body may take to arrive, from when the proxy starts reading it; one still
   * incomplete then is refused (HTTP 408) and no longer read. @default 5000
   */
  requestBodyTimeoutMs?: number;
  /** How requests are signed upstream. @default 'v3' */
  signatureVersion?: 'v3' | 'v1';
  /**
   * Told of every error a forwarded call ends with, before the browser's answer is made of it:
   * an IotTaskError (branch on `kind`) or whatever else was thrown, with the browser's request.
   * The browser is told only what it may know (an unreachable service is a bare 502); this is
   * where the server learns the cause. What it throws is reported on the console, never answered.
   */
  onError?: (error: unknown, request: Request) => void;
}

/**
 * Every option the proxy takes. A record over the interface's keys, so the compiler keeps it
 * complete; anything else given is a mistake (a misspelt name, or `format`, which the proxy sets).
 */
const KNOWN: Readonly<Record<keyof SigningProxyOptions, true>> = {
  allowedActions: true,
  maxRequestBytes: true,
  requestBodyTimeoutMs: true,
  signatureVersion: true,
  onError: true,
  region: true,
  endpoint: true,
  credentials: true,
  method: true,
  timeoutMs: true,
  attemptTimeoutMs: true,
  maxResponseBytes: true,
  retry: true,
  quota: true,
  responseValidation: true,
  hooks: true,
  fetch: true,
};

/** The proxy's own settings, checked; `client` is what goes on to the client that signs. */
export interface ProxySettings {
  allowed: ReadonlySet<string>;
  maxRequestBytes: number;
  requestBodyTimeoutMs: number;
  onError: SigningProxyOptions['onError'];
  client: Omit<IotTaskClientOptions, 'format'>;
}

function allowedActionsOf(value: unknown): Set<string> {
  if (value === undefined) return new Set(['QueryTask']);
  // A string would pass as a list of its characters (`new Set('QueryTask')`), forwarding nothing.
  if (!Array.isArray(value)) {
    throw new ValidationError(
      'allowedActions',
      'an array of action names, such as ["QueryTask"]',
      describeValue(value),
    );
  }
  if (value.length === 0) {
    throw new ValidationError(
      'allowedActions',
      'at least one action name (a proxy forwarding nothing)',
      'an empty array',
    );
  }
  const known = actions as Readonly<Record<string, ActionDescriptor>>;
  value.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || !Object.hasOwn(known, name)) {
      throw new ValidationError(
        `allowedActions[${i}]`,
        `an action of the spec: one of ${Object.keys(known).join(', ')}`,
        describeValue(name),
      );
    }
  });
  return new Set(value as string[]);
}

/**
 * The options checked when the proxy is made, each mistake a ValidationError naming the option
 * and what it takes: a proxy misconfigured must not start and fail (or forward too much) later.
 */
export function proxySettings(given: SigningProxyOptions | undefined): ProxySettings {
  const options = optionsObject('options', given) ?? {};
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(KNOWN, name)) {
      const why =
        name === 'format'
          ? 'no format: the proxy always asks the service for JSON'
          : `one of createSigningProxy's options (${Object.keys(KNOWN).join(', ')})`;
      throw new ValidationError(name, why, 'an option of that name');
    }
  }
  const { allowedActions, maxRequestBytes, requestBodyTimeoutMs, onError, signatureVersion, ...clientOptions } =
    options;
  if (signatureVersion === ('none' as string)) {
    // `none` would send the browser's requests on unsigned: the proxy exists to sign them.
    throw new ValidationError(
      'signatureVersion',
      'v3 or v1: the proxy signs what it forwards ("none" is for the browser\'s client, which holds no secret)',
      '"none"',
    );
  }
  return {
    allowed: allowedActionsOf(allowedActions),
    maxRequestBytes: integerIn('maxRequestBytes', maxRequestBytes, 65_536, 0, 2 ** 30),
    requestBodyTimeoutMs: milliseconds('requestBodyTimeoutMs', requestBodyTimeoutMs, 5_000),
    onError: optionalFunction('onError', onError),
    client: { ...clientOptions, signatureVersion: oneOf('signatureVersion', signatureVersion, ['v3', 'v1']) },
  };
}
