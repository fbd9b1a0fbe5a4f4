import { SlidingWindow } from './slidingWindow.ts';
import { TokenBucket } from './tokenBucket.ts';

/**
 * How the mock counts a quota: `'sliding-window'` (strict: never more than the rate within any
 * 1000 ms) or `'token-bucket'` (the rate on average, `burst` saved up).
 */
export type QuotaCounting = 'sliding-window' | 'token-bucket';

export const QUOTA_COUNTINGS: readonly QuotaCounting[] = ['sliding-window', 'token-bucket'];

/** One API's quota, counted per key (an account). */
export interface QuotaCounter {
  /** Counts an arrival of `key` at `now` (ms); false, and nothing counted, when it is over the quota. */
  tryTake(key: string, now: number): boolean;
  clear(): void;
}

/** A counter of `requestsPerSecond` per key, counted the given way (`burst` is the bucket's only). */
export function quotaCounter(counting: QuotaCounting, requestsPerSecond: number, burst?: number): QuotaCounter {
  return counting === 'token-bucket'
    ? new TokenBucket(requestsPerSecond, burst ?? requestsPerSecond)
    : new SlidingWindow(requestsPerSecond);
}
