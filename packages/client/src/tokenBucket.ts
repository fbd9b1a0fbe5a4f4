import type { ActionDescriptor } from '@iot-task/spec';
import { ValidationError } from './errors.ts';
import { declaredQuota } from './quotaDeclarations.ts';

/** Float slack, so a token that is due does not wait one more millisecond for rounding. */
const EPSILON = 1e-9;
/** The longest delay a timer takes (setTimeout fires at once past 2³¹−1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  resolve: (slot: QuotaSlot) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A request's place in the quota window, from the moment it may start until its answer (or its
 * failure) comes back. `done()` marks that moment; it is idempotent.
 */
export interface QuotaSlot {
  done(): void;
}

/** A slot's end: undefined while its request is out (it may reach the server at any moment). */
interface Start {
  endedAt: number | undefined;
}

/**
 * The client side of a quota: a token bucket (`requestsPerSecond` tokens a second, at most
 * `burst` saved up) with a sliding-window cap that holds at the server, not only in the client.
 * A request reaches the server some time between the moment it may start and the moment its
 * answer returns, so each request counts in the window from the first moment until one second
 * after the second (`QuotaSlot.done()`): however the network delays one request and not
 * another, never more than `requestsPerSecond` of them arrive in any one-second window. Callers
 * over the rate wait in FIFO order instead of failing; an aborted wait leaves the queue at once.
 */
export class TokenBucket {
  private rate: number;
  private saved: number;
  private tokens: number;
  private refilledAt: number;
  /** Requests out, and those whose answer came within the last second. */
  private readonly starts: Start[] = [];
  private windowLimit: number;
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
    this.rate = requestsPerSecond;
    this.saved = burst;
    this.tokens = burst;
    this.now = now;
    this.refilledAt = now();
    this.windowLimit = Math.max(1, Math.floor(requestsPerSecond));
  }

  get requestsPerSecond(): number {
    return this.rate;
  }

  get burst(): number {
    return this.saved;
  }

  /** Requests waiting for their turn. */
  get pending(): number {
    return this.waiters.length;
  }

  /**
   * Applies a stricter setting from another client of the same quota: clients that share an
   * account's quota but disagree on it all keep the strictest (lowest rate, lowest burst).
   */
  tighten(requestsPerSecond: number, burst: number): void {
    if (requestsPerSecond < this.rate) {
      this.rate = requestsPerSecond;
      this.windowLimit = Math.max(1, Math.floor(requestsPerSecond));
    }
    if (burst < this.saved) {
      this.saved = burst;
      this.tokens = Math.min(this.tokens, burst);
    }
  }

  /** Milliseconds until a request may start (0: now; Infinity: when a request out comes back). */
  private wait(now: number): number {
    this.tokens = Math.min(this.saved, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    // Requests whose answer came over a second ago no longer count (in place: this runs per call).
    let kept = 0;
    for (const start of this.starts)
      if (start.endedAt === undefined || start.endedAt > now - 1000) this.starts[kept++] = start;
    this.starts.length = kept;
    const forToken = this.tokens >= 1 - EPSILON ? 0 : ((1 - this.tokens) / this.rate) * 1000;
    if (this.starts.length < this.windowLimit) return forToken;
    // The window frees when enough ended requests age out; requests still out never do.
    const ended = this.starts
      .map((start) => start.endedAt)
      .filter((at): at is number => at !== undefined)
      .sort((a, b) => a - b);
    const mustAgeOut = this.starts.length - this.windowLimit + 1;
    const freedAt = ended[mustAgeOut - 1];
    return freedAt === undefined ? Number.POSITIVE_INFINITY : Math.max(forToken, freedAt + 1000 - now);
  }

  private take(now: number): QuotaSlot {
    this.tokens = Math.max(0, this.tokens - 1);
    const start: Start = { endedAt: undefined };
    this.starts.push(start);
    return {
      done: () => {
        if (start.endedAt !== undefined) return;
        start.endedAt = Math.max(now, this.now());
        // A waiter may have been waiting for this very request to come back.
        this.reschedule();
      },
    };
  }

  /** Resolves when the request may start; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<QuotaSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    if (this.waiters.length === 0 && this.wait(now) === 0) return Promise.resolve(this.take(now));
    return new Promise<QuotaSlot>((resolve, reject) => {
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

  private release(): void {
    for (;;) {
      const now = this.now();
      const waiter = this.waiters[0];
      if (!waiter || this.wait(now) > 0) break;
      this.waiters.shift();
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.take(now));
    }
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    const delay = this.wait(this.now());
    // Nothing to time while every slot is out: the next done() reschedules.
    if (delay === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.release();
        this.schedule();
      },
      Math.min(MAX_TIMER_MS, Math.ceil(delay)),
    );
  }

  private reschedule(): void {
    if (this.waiters.length === 0) return;
    this.clearTimer();
    this.release();
    this.schedule();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

const shared = new Map<string, TokenBucket>();

/**
 * The process-wide bucket for a quota key (by default the AccessKey ID and the API), so every
 * client that uses the same key shares the account's quota of that API — whatever each was told
 * the quota is: the strictest setting among them holds for all.
 */
export function sharedTokenBucket(key: string, requestsPerSecond: number, burst: number): TokenBucket {
  let bucket = shared.get(key);
  if (!bucket) {
    bucket = new TokenBucket(requestsPerSecond, burst);
    shared.set(key, bucket);
  } else {
    bucket.tighten(requestsPerSecond, burst);
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
  const key = settings.key ?? accessKeyId;
  // Clients of the same key made with stricter settings hold them for this one too.
  const strictest = declaredQuota(key);
  const own = settings.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? 5;
  const perSecond = Math.min(own, strictest?.requestsPerSecond ?? own);
  const ownBurst = settings.burst ?? Math.max(1, Math.ceil(perSecond) - 1);
  const burst = Math.min(ownBurst, strictest?.burst ?? ownBurst, Math.max(1, perSecond));
  if (burst > Math.max(1, perSecond)) {
    throw new ValidationError(
      'quota.burst',
      `a number from 1 to ${descriptor.action}'s quota (${perSecond})`,
      String(burst),
    );
  }
  const { id } = descriptor.family;
  return sharedTokenBucket(`${key}\u0000${id}\u0000${descriptor.action}`, perSecond, burst);
}
