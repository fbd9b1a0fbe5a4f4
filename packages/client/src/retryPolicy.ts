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

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return NO_RETRY;
  const policy = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 5000, ...options };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts: expected an integer >= 1, received ${policy.maxAttempts}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs)) {
    throw new RangeError('retry: expected 0 <= baseDelayMs <= maxDelayMs');
  }
  return policy;
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
