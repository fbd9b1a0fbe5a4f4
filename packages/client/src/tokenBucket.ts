/**
 * A token bucket: `requestsPerSecond` tokens a second, at most `burst` saved up. Callers over
 * the rate wait in FIFO order instead of failing; an aborted wait leaves the queue at once.
 */
export class TokenBucket {
  readonly requestsPerSecond: number;
  readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  private readonly waiters: {
    resolve: () => void;
    reject: (reason: unknown) => void;
    signal?: AbortSignal;
    onAbort?: () => void;
  }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(requestsPerSecond: number, burst = requestsPerSecond, now: () => number = Date.now) {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new RangeError(`requestsPerSecond: expected a positive number, received ${requestsPerSecond}`);
    }
    if (!(burst >= 1) || !Number.isFinite(burst))
      throw new RangeError(`burst: expected a number >= 1, received ${burst}`);
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.now = now;
    this.refilledAt = now();
  }

  /** Requests waiting for a token. */
  get pending(): number {
    return this.waiters.length;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.requestsPerSecond);
    this.refilledAt = now;
  }

  /** Resolves when a token is taken; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.waiters.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          if (this.waiters.length === 0) this.clearTimer();
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    const wait = Math.max(0, ((1 - this.tokens) / this.requestsPerSecond) * 1000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.waiters.length > 0 && this.tokens >= 1) {
        const waiter = this.waiters.shift() as (typeof this.waiters)[number];
        this.tokens -= 1;
        if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
        waiter.resolve();
      }
      this.schedule();
    }, Math.ceil(wait));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const shared = new Map<string, TokenBucket>();

/**
 * The process-wide bucket for a quota key (by default the AccessKey ID), so every client that
 * uses the same key shares the account's quota.
 */
export function sharedTokenBucket(key: string, requestsPerSecond: number, burst: number): TokenBucket {
  const id = `${key}\u0000${requestsPerSecond}\u0000${burst}`;
  let bucket = shared.get(id);
  if (!bucket) {
    bucket = new TokenBucket(requestsPerSecond, burst);
    shared.set(id, bucket);
  }
  return bucket;
}
