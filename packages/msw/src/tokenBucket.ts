import type { QuotaCounter } from './quotaCounter.ts';

/**
 * A token bucket per key that refuses (rather than queues) requests over `requestsPerSecond`,
 * with `burst` saved up. Laxer than the quota it models: a full bucket of N refilling at N a
 * second lets up to 2N arrive within one sliding second (decisions/mock-quota-counting.md).
 */
export class TokenBucket implements QuotaCounter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  readonly requestsPerSecond: number;
  readonly burst: number;

  constructor(requestsPerSecond: number, burst = requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
  }

  /** Takes a token for `key`; false when the key is over its rate. */
  tryTake(key: string, now: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.requestsPerSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
