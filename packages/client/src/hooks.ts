import { type DriftIssue, describeThrown, HookError, type IotTaskError } from './errors.ts';

/** A request is about to be sent. `url` has `Signature` and `SecurityToken` redacted. */
export interface RequestStartEvent {
  action: string;
  attempt: number;
  method: string;
  url: string;
  signatureVersion: 'v3' | 'v1' | 'none';
}

/** An attempt failed with a retryable error; the next starts after `delayMs`. */
export interface RetryEvent {
  action: string;
  attempt: number;
  delayMs: number;
  error: IotTaskError;
}

/** An HTTP answer arrived (any status). */
export interface ResponseEvent {
  action: string;
  attempt: number;
  httpStatus: number;
  requestId: string | undefined;
  durationMs: number;
}

/** A response differs from the spec and `responseValidation` is `'warn'`. */
export interface DriftEvent {
  action: string;
  requestId: string | undefined;
  issues: readonly DriftIssue[];
}

/** Observability callbacks, all optional and off by default. They never receive secrets. */
export interface ClientHooks {
  onRequest?(event: RequestStartEvent): void;
  onRetry?(event: RetryEvent): void;
  onResponse?(event: ResponseEvent): void;
  onDrift?(event: DriftEvent): void;
}

/**
 * Runs one of the caller's hooks; whatever it throws ends the call as a HookError. Hooks are
 * synchronous; an `async` one is not waited for, and its rejection is reported on the console
 * rather than left to end the process as an unhandled rejection.
 */
export function runHook<E>(hooks: ClientHooks, name: keyof ClientHooks, event: E): void {
  const hook = hooks[name] as ((event: E) => unknown) | undefined;
  if (hook === undefined) return;
  let returned: unknown;
  try {
    returned = hook.call(hooks, event);
  } catch (error) {
    throw new HookError(name, error);
  }
  if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
    (returned as PromiseLike<unknown>).then(undefined, (error: unknown) => {
      console.warn(`iot-task: the ${name} hook's promise rejected (hooks are not awaited): ${describeThrown(error)}`);
    });
  }
}
