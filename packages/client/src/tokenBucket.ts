import type { ActionDescriptor } from '@iot-task/spec';
import { ValidationError } from './errors.ts';

/** Float slack, so a token that is due does not wait one more millisecond for rounding. */
const EPSILON = 1e-9;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * The client side of a quota: a token bucket (`requestsPerSecond` tokens a second, at most
 * `burst` saved up) with a sliding-window cap — never more than `requestsPerSecond` requests
 * start in any one-second window `[t, t + 1000)`, however the bucket's timer fires. Callers over
 * the rate wait in FIFO order instead of failing; an aborted wait leaves the queue at once.
 */
export class TokenBucket {
  readonly requestsPerSecond: number;
  readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  /** Start times within the last second, oldest first. */
  private readonly starts: number[] = [];
  private readonly windowLimit: number;
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;

  constructor(requestsPerSecond: number, burst = requestsPerSecond, now: () => number = Date.now) {
    if (!(requestsPerSecond > 0) || !Number.isFinite(requestsPerSecond)) {
      throw new RangeError(`requestsPerSecond: expected a positive number, received ${requestsPerSecond}`);
    }
    if (!(burst >= 1) || !Number.isFinite(burst) || burst > Math.max(1, requestsPerSecond)) {
      throw new RangeError(
        `burst: expected a number from 1 to requestsPerSecond (${requestsPerSecond}), received ${burst}`,
      );
    }
    this.requestsPerSecond = requestsPerSecond;
    this.burst = burst;
    this.tokens = burst;
    this.now = now;
    this.refilledAt = now();
    this.windowLimit = Math.max(1, Math.floor(requestsPerSecond));
  }

  /** Requests waiting for their turn. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Milliseconds until a request may start (0: now). */
  private wait(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.requestsPerSecond);
    this.refilledAt = now;
    while (this.starts.length > 0 && (this.starts[0] as number) <= now - 1000) this.starts.shift();
    const forToken = this.tokens >= 1 - EPSILON ? 0 : ((1 - this.tokens) / this.requestsPerSecond) * 1000;
    const forWindow = this.starts.length < this.windowLimit ? 0 : (this.starts[0] as number) + 1000 - now;
    return Math.max(forToken, forWindow);
  }

  private take(now: number): void {
    this.tokens = Math.max(0, this.tokens - 1);
    this.starts.push(now);
  }

  /** Resolves when the request may start; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    if (this.waiters.length === 0 && this.wait(now) === 0) {
      this.take(now);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
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
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        for (;;) {
          const now = this.now();
          const waiter = this.waiters[0];
          if (!waiter || this.wait(now) > 0) break;
          this.waiters.shift();
          this.take(now);
          if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
          waiter.resolve();
        }
        this.schedule();
      },
      Math.ceil(this.wait(this.now())),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const shared = new Map<string, TokenBucket>();

/**
 * The process-wide bucket for a quota key (by default the AccessKey ID and the action), so
 * every client that uses the same key shares the account's quota of that API.
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

/** The client's quota options, checked: each undefined one falls back to the action's spec. */
export interface QuotaSettings {
  requestsPerSecond: number | undefined;
  burst: number | undefined;
  key: string | undefined;
}

/**
 * The bucket of one API (product, version, action) for an AccessKey: its rate from the spec
 * unless overridden, shared by every client of the same account key in the process.
 */
export function quotaBucket(settings: QuotaSettings, accessKeyId: string, descriptor: ActionDescriptor): TokenBucket {
  const perSecond = settings.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? 5;
  const burst = settings.burst ?? Math.max(1, Math.ceil(perSecond) - 1);
  if (burst > Math.max(1, perSecond)) {
    throw new ValidationError(
      'quota.burst',
      `a number from 1 to ${descriptor.action}'s quota (${perSecond})`,
      String(burst),
    );
  }
  const { id } = descriptor.family;
  return sharedTokenBucket(`${settings.key ?? accessKeyId}\u0000${id}\u0000${descriptor.action}`, perSecond, burst);
}
