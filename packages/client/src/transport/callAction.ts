import type { ActionDescriptor } from '@iot-task/spec';
import { milliseconds, optionalSignal, optionsObject } from '../checkOptions.ts';
import type { Credentials, CredentialsProvider } from '../credentials.ts';
import {
  AbortedError,
  cutSnippet,
  describeThrown,
  IotTaskError,
  NetworkError,
  ResponseParseError,
  TimeoutError,
} from '../errors.ts';
import { type ClientHooks, runHook } from '../hooks.ts';
import type { QuotaPlan } from '../quota/quotaPlan.ts';
import { mayRetryWrite, type RetryPolicy, retryDelay, sleep } from '../retryPolicy.ts';
import { validateParams } from '../validateParams.ts';
import { CallSignals, untilAborted } from './callSignals.ts';
import { type DecodedAnswer, decodeAnswer, type ResponseValidation } from './decodeAnswer.ts';
import type { OutgoingRequest, Send } from './send.ts';
import { type SigningSettings, signatureFor, unsignedRequest } from './signatureChoice.ts';
import type { HeldPlace, SignAttempt, SignedAttempt } from './signedAttempt.ts';

/** The secret masking of redactSecrets.ts, as the signing module brings it. */
type Redaction = Pick<
  typeof import('./signedAttempt.ts'),
  'maskSecretsDeep' | 'mayCarrySecrets' | 'redactSecrets' | 'scrubError'
>;

/** Everything a call needs, resolved once when the client is created. */
export interface TransportConfig extends SigningSettings {
  /** @default fromEnv() */
  credentials: Credentials | CredentialsProvider | undefined;
  retry: RetryPolicy;
  /** Each API's quota, or undefined for no client-side quota. */
  quota: QuotaPlan | undefined;
  timeoutMs: number;
  attemptTimeoutMs: number;
  /** Largest body read, in bytes after decompression. */
  maxResponseBytes: number;
  responseValidation: ResponseValidation;
  hooks: ClientHooks;
  send: Send;
}

export interface CallContext {
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
}

export type CallTransport = (
  descriptor: ActionDescriptor,
  params: unknown,
  context?: CallContext,
) => Promise<DecodedAnswer>;

/**
 * The transport of a client: one call of an action, as named stages — validate the parameters,
 * then per attempt: resolve credentials, wait for the quota, sign (fresh nonce and timestamp),
 * send, read (capped), decode and check; retry what can succeed by retrying, with backoff and
 * `Retry-After`, within the call's deadline. Every failure is a typed IotTaskError.
 */
export function createTransport(config: TransportConfig): CallTransport {
  // Credentials, quota and signing load with the first signed call (signedAttempt.ts).
  let signer: Promise<SignAttempt> | undefined;
  let loaded: SignAttempt | undefined;
  // Masking secrets loads with the signer: a call without credentials has none to mask.
  let redaction: Redaction | undefined;
  const sign = () => {
    signer ??= import('./signedAttempt.ts').then((module) => {
      redaction = module;
      loaded = module.createSigner(config);
      return loaded;
    });
    return signer;
  };

  return async function callAction(descriptor, params, given) {
    const action = descriptor.action;
    const query = validateParams(descriptor, params);
    const context = optionsObject('options', given) ?? {};
    const timeoutMs = milliseconds('options.timeoutMs', context.timeoutMs, config.timeoutMs);
    const signature = signatureFor(config, descriptor);
    const signals = new CallSignals(optionalSignal('options.signal', context.signal), timeoutMs);
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
      if (signals.stoppedBy === 'quota-wait') {
        return new TimeoutError({
          code: 'QuotaWaitTimeout',
          message: `${action} waited ${Math.round(signals.waitedMs)} ms for its turn in the quota and was not sent (quota.maxWaitMs)`,
          retryable: false,
        });
      }
      return undefined;
    };
    let used: Credentials | undefined;
    const clean = (text: string) => (used && redaction ? redaction.redactSecrets(text, used) : text);

    async function attempt(number: number): Promise<DecodedAnswer> {
      // Unsigned requests go to an endpoint that signs (and keeps the quota) on the server.
      used = undefined;
      const { request, quotaSlot }: SignedAttempt =
        signature === 'none'
          ? { request: unsignedRequest(config, descriptor, query), quotaSlot: undefined }
          : await (loaded ?? (await untilAborted(sign(), signals.call.signal)))(
              descriptor,
              query,
              {
                signal: () => signals.call.signal,
                turn: (maxWaitMs, wait) => signals.waitForTurn(maxWaitMs, wait),
              },
              (credentials) => {
                used = credentials;
              },
            );
      try {
        return await exchange(number, request, quotaSlot);
      } finally {
        // The request has reached the server by now, if it ever will: its place starts ageing.
        quotaSlot?.failed();
      }
    }

    async function exchange(number: number, request: OutgoingRequest, quotaSlot: HeldPlace | undefined) {
      if (config.hooks.onRequest) {
        runHook(config.hooks, 'onRequest', {
          action,
          attempt: number,
          method: request.method,
          url: clean(request.url),
          signatureVersion: signature,
        });
      }
      const signal = signals.startAttempt(config.attemptTimeoutMs);
      const started = Date.now();
      let status: number;
      let header: (name: string) => string | undefined;
      let text: string;
      try {
        // The deadline holds whatever the transport does with the signal: an injected fetch that
        // ignores it, or a body that never ends, is left behind when the signal aborts.
        quotaSlot?.sent();
        const response = await untilAborted(config.send(request, signal), signal);
        quotaSlot?.answered();
        status = response.status;
        header = (name) => response.header(name);
        // Nothing a server sends back reaches a caller with the credentials' secrets in it.
        // Secrets are masked in the parsed answer and in every error made of it (snippets
        // included), not in the raw text: one pass less per call.
        text = await untilAborted(response.text(config.maxResponseBytes), signal);
      } catch (caught) {
        const stop = stopped();
        if (stop) throw stop;
        if (caught instanceof IotTaskError) throw caught;
        if (signals.attemptTimedOutNow()) {
          throw new TimeoutError({
            code: 'AttemptTimeout',
            message: `${action} attempt ${number} got no complete answer within ${config.attemptTimeoutMs} ms`,
            retryable: true,
          });
        }
        throw new NetworkError({
          code: 'NetworkError',
          message: `${action} failed before an answer: ${clean(describeThrown(caught))}`,
          retryable: true,
          cause: networkCause(caught, clean),
        });
      } finally {
        signals.endAttempt();
      }
      let requestId = header('x-acs-request-id');
      let outcome: DecodedAnswer | IotTaskError;
      try {
        const credentials = used;
        const masking = credentials && redaction?.mayCarrySecrets(text, credentials) ? redaction : undefined;
        outcome = await decodeAnswer(
          descriptor,
          { status, header, text },
          config,
          masking && credentials && ((value) => masking.maskSecretsDeep(value, credentials)),
          query,
        );
      } catch (error) {
        if (!(error instanceof IotTaskError)) throw error;
        outcome = error;
      }
      if (outcome.requestId) requestId = outcome.requestId;
      if (config.hooks.onResponse) {
        runHook(config.hooks, 'onResponse', {
          action,
          attempt: number,
          httpStatus: status,
          requestId: requestId === undefined ? undefined : clean(requestId),
          durationMs: Date.now() - started,
        });
      }
      if (outcome instanceof IotTaskError) throw outcome;
      return outcome;
    }

    try {
      for (let number = 1; ; number++) {
        let error: IotTaskError;
        try {
          return await attempt(number);
        } catch (caught) {
          // Every error leaves cleared of secrets: whatever of the server's it quotes, wherever.
          error = stopped() ?? (caught instanceof IotTaskError ? caught : unexpected(action, caught));
          if (used && redaction) error = redaction.scrubError(error, used);
          error = cutSnippet(error);
        }
        if (!error.retryable || number >= config.retry.maxAttempts) throw error;
        if (descriptor.operationType === 'write' && !mayRetryWrite(error)) throw error;
        const delayMs = retryDelay(config.retry, number, error);
        // A wait that would outlast the call cannot lead to an answer in time: stop now.
        if (delayMs >= signals.remaining()) throw error;
        if (config.hooks.onRetry) runHook(config.hooks, 'onRetry', { action, attempt: number, delayMs, error });
        try {
          await sleep(delayMs, signals.call.signal);
        } catch {
          throw stopped() ?? error;
        }
      }
    } finally {
      signals.dispose();
    }
  };
}

/**
 * What the network layer threw, reduced to its name, code and masked message: its own fields
 * (a parser's raw packet, say) may quote the request, and with it an STS token.
 */
function networkCause(caught: unknown, clean: (text: string) => string): Error {
  if (!(caught instanceof Error)) return new Error(clean(describeThrown(caught)));
  const reduced = new Error(clean(caught.message));
  reduced.name = caught.name;
  const code = (caught as { code?: unknown }).code ?? (caught.cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') Object.assign(reduced, { code });
  return reduced;
}

/** A failure of the client's own code while reading an answer (never of the network): typed, not retried. */
function unexpected(action: string, caught: unknown): IotTaskError {
  return new ResponseParseError({
    code: 'ClientFailure',
    message: `${action}: the answer could not be handled: ${describeThrown(caught)}`,
    retryable: false,
    bodySnippet: '',
    cause: caught,
  });
}
