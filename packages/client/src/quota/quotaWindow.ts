import type { QuotaSlot } from './quotaStore.ts';

/** Float slack, so a token that is due does not wait one more millisecond for rounding. */
const EPSILON = 1e-9;
/** The longest delay a timer takes (setTimeout fires at once past 2³¹−1 ms); longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter {
  earliestArrivalMs: () => number;
  resolve: (slot: QuotaSlot) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A granted place: `blocksUntil` is the moment from which it no longer stands in the way of a
 * request reaching the server — one second after its own latest possible arrival (Infinity while
 * the request is out: it may arrive at any moment).
 */
interface Place {
  readonly grantedAt: number;
  blocksUntil: number;
}

/**
 * One API's quota of one account, kept in this process: a sliding one-second window at the
 * server, and a token bucket that shapes bursts inside it.
 *
 * The window: a request j may start at `now` when fewer than `requestsPerSecond` granted places
 * still block `now + earliestArrivalMs` (its own earliest arrival). Each place blocks until one
 * second after the latest moment its request can have reached the server. Then any `N + 1`
 * arrivals within one second would need the last-granted of them to have been granted while
 * the `N` others still blocked it — never, so no more than N arrive at the server in any second.
 * The same rule runs in Redis for quotas shared between processes (@iot-task/quota-redis,
 * quotaScripts.ts); keep the two alike.
 *
 * The bucket: `requestsPerSecond` tokens a second, at most `burst` saved up. Callers over the
 * rate wait in FIFO order instead of failing; an aborted wait leaves the queue at once.
 */
export class QuotaWindow {
  private rate: number;
  private saved: number;
  private tokens: number;
  private refilledAt: number;
  private readonly places: Place[] = [];
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
  private wait(now: number, earliestArrivalMs: number): number {
    this.tokens = Math.min(this.saved, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    // Places that block nothing from now on are gone (in place: this runs per call).
    let kept = 0;
    for (const place of this.places) if (place.blocksUntil > now) this.places[kept++] = place;
    this.places.length = kept;
    const forToken = this.tokens >= 1 - EPSILON ? 0 : ((1 - this.tokens) / this.rate) * 1000;
    const arrival = now + earliestArrivalMs;
    const blocking = this.places.filter((place) => place.blocksUntil > arrival).map((place) => place.blocksUntil);
    if (blocking.length < this.windowLimit) return forToken;
    // The window frees when enough places stop blocking; requests still out never do by themselves.
    blocking.sort((a, b) => a - b);
    const freedAt = blocking[blocking.length - this.windowLimit] as number;
    return freedAt === Number.POSITIVE_INFINITY ? freedAt : Math.max(forToken, freedAt - arrival);
  }

  private take(now: number): QuotaSlot {
    this.tokens = Math.max(0, this.tokens - 1);
    const place: Place = { grantedAt: now, blocksUntil: Number.POSITIVE_INFINITY };
    this.places.push(place);
    let done = false;
    return {
      done: (sinceArrivalMs = 0) => {
        if (done) return;
        done = true;
        const at = this.now();
        // It reached the server no sooner than it was granted, and at least `sinceArrivalMs` ago.
        place.blocksUntil = Math.max(place.grantedAt, at - Math.max(0, sinceArrivalMs)) + 1000;
        // A waiter may have been waiting for this very request to come back.
        this.reschedule();
      },
    };
  }

  /**
   * Resolves when the request may start; rejects with the signal's reason if it aborts first.
   * `earliestArrivalMs`: how long after its grant the request reaches the server at the soonest.
   */
  acquire(signal?: AbortSignal, earliestArrivalMs: number | (() => number) = 0): Promise<QuotaSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.now();
    const earliest = typeof earliestArrivalMs === 'number' ? () => earliestArrivalMs : earliestArrivalMs;
    if (this.waiters.length === 0 && this.wait(now, earliest()) === 0) return Promise.resolve(this.take(now));
    return new Promise<QuotaSlot>((resolve, reject) => {
      const waiter: Waiter = { earliestArrivalMs: earliest, resolve, reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          // The head may have changed: the next one may go now.
          this.reschedule();
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
      if (!waiter || this.wait(now, waiter.earliestArrivalMs()) > 0) break;
      this.waiters.shift();
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.take(now));
    }
  }

  private schedule(): void {
    const head = this.waiters[0];
    if (this.timer !== undefined || !head) return;
    const delay = this.wait(this.now(), head.earliestArrivalMs());
    // Nothing to time while every place is out: the next done() reschedules.
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
    this.clearTimer();
    if (this.waiters.length === 0) return;
    this.release();
    this.schedule();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
