import type { QuotaCounter } from './quotaCounter.ts';

/**
 * The strict reading of "N requests per second": an arrival is refused when accepting it would
 * put more than `requestsPerSecond` accepted arrivals within one window of `windowMs` — when
 * there are already that many at times `t` with `now - t < windowMs` (half-open: two arrivals
 * exactly `windowMs` apart are in different windows). Refused arrivals count for nothing.
 *
 * Memory is bounded: per key, only the accepted arrivals still inside the window (at most the
 * rate); keys whose latest accepted arrival has left the window are dropped.
 */
export class SlidingWindow implements QuotaCounter {
  /** Per key, accepted arrival times in ascending order; keys in the order of their latest acceptance. */
  private readonly arrivals = new Map<string, number[]>();
  readonly requestsPerSecond: number;
  readonly windowMs: number;

  constructor(requestsPerSecond: number, windowMs = 1000) {
    this.requestsPerSecond = requestsPerSecond;
    this.windowMs = windowMs;
  }

  tryTake(key: string, now: number): boolean {
    this.forgetIdle(now);
    const times = this.arrivals.get(key) ?? [];
    while (times.length > 0 && now - (times[0] as number) >= this.windowMs) times.shift();
    if (times.length + 1 > this.requestsPerSecond) {
      if (times.length === 0) this.arrivals.delete(key);
      return false;
    }
    // A clock that stepped back (a fake one, say): keep the times sorted, so the oldest stays first.
    let at = times.length;
    while (at > 0 && (times[at - 1] as number) > now) at--;
    times.splice(at, 0, now);
    this.arrivals.delete(key);
    this.arrivals.set(key, times);
    return true;
  }

  /** Accepted arrivals of `key` within the window ending at `now`. */
  count(key: string, now: number): number {
    return (this.arrivals.get(key) ?? []).filter((t) => now - t < this.windowMs).length;
  }

  /** Keys with an arrival still in the window (what memory holds). */
  get size(): number {
    return this.arrivals.size;
  }

  clear(): void {
    this.arrivals.clear();
  }

  /** Drops the keys, oldest first, whose every arrival has left the window. */
  private forgetIdle(now: number): void {
    for (const [key, times] of this.arrivals) {
      if (now - (times[times.length - 1] as number) < this.windowMs) break;
      this.arrivals.delete(key);
    }
  }
}
