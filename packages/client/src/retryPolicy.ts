import { integerIn, milliseconds, optionsObject } from './checkOptions.ts';

export interface RetryOptions {
  /** Attempts in all, the first included. 1 disables retries. @default 3 */
  maxAttempts?: number;
  /** First backoff ceiling. @default 200 */
  baseDelayMs?: number;
  /** Largest backoff. @default 5000 */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const NO_RETRY: RetryPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };

export function retryPolicy(given: RetryOptions | false | undefined): RetryPolicy {
  if (given === false) return NO_RETRY;
  const options = optionsObject('retry', given) ?? {};
  const maxAttempts = integerIn('retry.maxAttempts', options.maxAttempts, 3, 1, 100);
  const baseDelayMs = milliseconds('retry.baseDelayMs', options.baseDelayMs, 200, 0);
  const maxDelayMs = milliseconds('retry.maxDelayMs', options.maxDelayMs, Math.max(5000, baseDelayMs), baseDelayMs);
  return { maxAttempts, baseDelayMs, maxDelayMs };
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(max, base·2^(attempt−1))],
 * so clients that failed together do not retry together.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * The wait before the next attempt: the backoff, or longer when the server asked for it
 * (`Retry-After`, carried by the error as `retryAfterMs`).
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: { retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  return Math.max(backoffDelay(policy, attempt, random), error.retryAfterMs ?? 0);
}

/**
 * A `Retry-After` header in milliseconds: delta-seconds or an HTTP date (relative to `now`);
 * undefined when absent or unreadable. Never negative.
 */
export function parseRetryAfter(value: string | undefined | null, now: number = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Network failures that mean the request was never sent: nothing reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed call of an action that changes something (`x-acs-operation-type: write`) may
 * be sent again: only when the server surely did not act on it — the gateway throttled it, or it
 * never left. A 5xx, a timeout or a cut connection may come after the change was made.
 */
export function mayRetryWrite(error: { code: string; httpStatus?: number | undefined; cause?: unknown }): boolean {
  if (error.code.startsWith('Throttling') || error.httpStatus === 429) return true;
  // The quota's store could not be asked: the request was never signed, let alone sent.
  if (error.code.startsWith('QuotaStore')) return true;
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof causeCode === 'string' && NOT_SENT.has(causeCode);
}
