/**
 * Deadlines and cancellation of one call without AbortSignal.timeout/any (each of those keeps
 * a timer or weak references alive long after the call). A call that goes straight to its
 * answer costs one timer: each attempt's, set to the attempt's timeout or to what is left of the
 * call's, whichever ends first. The call's own controller and deadline timer exist only once
 * something waits outside an attempt (a retry's backoff, a credentials provider). A wait for the
 * quota stops the deadline's clock: `timeoutMs` counts the time on the wire, and the turns a call
 * waits for are bounded by their own budget (`quota.maxWaitMs`). Every timer is cleared.
 */
export class CallSignals {
  stoppedBy: 'caller' | 'deadline' | 'quota-wait' | undefined;
  deadlineAt: number;
  /** Milliseconds the call has waited for its turns in the quota. */
  waitedMs = 0;
  private turn: AbortController | undefined;
  private controller: AbortController | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private attempt: AbortController | undefined;
  private attemptTimedOut = false;
  private attemptTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort = () => this.stop('caller');
  private readonly caller: AbortSignal | undefined;

  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.caller = caller;
    this.deadlineAt = Date.now() + timeoutMs;
    if (caller?.aborted) this.stop('caller');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Aborted when the caller aborts or the deadline passes: for waits between attempts. */
  get call(): AbortController {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.stoppedBy) this.controller.abort();
      else if (this.remaining() <= 0) this.stop('deadline');
      else if (Number.isFinite(this.deadlineAt)) {
        this.deadline = setTimeout(() => this.stop('deadline'), this.remaining());
      }
    }
    return this.controller;
  }

  get callerReason(): unknown {
    return this.caller?.reason;
  }

  /** Milliseconds left before the call's deadline. */
  remaining(): number {
    return this.deadlineAt - Date.now();
  }

  private stop(why: 'caller' | 'deadline' | 'quota-wait'): void {
    this.stoppedBy ??= why;
    this.controller?.abort();
    this.attempt?.abort();
    this.turn?.abort();
  }

  /**
   * Waits for a turn in the quota (`wait` gets the signal that ends it): the deadline stands
   * still meanwhile, and the wait ends when the caller aborts or once the call has waited
   * `maxWaitMs` in all (`stoppedBy` then says `quota-wait`).
   */
  async waitForTurn<T>(maxWaitMs: number, wait: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const turn = new AbortController();
    if (this.stoppedBy) turn.abort();
    const left = maxWaitMs - this.waitedMs;
    if (!this.stoppedBy && left <= 0) this.stop('quota-wait');
    if (this.stoppedBy) return Promise.reject(new Error(`the call was stopped (${this.stoppedBy})`));
    this.turn = turn;
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.deadline = undefined;
    const since = Date.now();
    const budget = setTimeout(() => this.stop('quota-wait'), left);
    try {
      return await wait(turn.signal);
    } finally {
      clearTimeout(budget);
      this.turn = undefined;
      const waited = Math.max(0, Date.now() - since);
      this.waitedMs += waited;
      this.deadlineAt += waited;
      // The deadline goes on from where it stood.
      if (this.controller && !this.stoppedBy && Number.isFinite(this.deadlineAt)) {
        this.deadline = setTimeout(() => this.stop('deadline'), this.remaining());
      }
    }
  }

  /**
   * A signal for one attempt, aborted by the caller, at the call's deadline or after
   * `timeoutMs`; `endAttempt()` releases it.
   */
  startAttempt(timeoutMs: number): AbortSignal {
    const controller = new AbortController();
    this.attempt = controller;
    this.attemptTimedOut = false;
    const left = this.remaining();
    if (!this.stoppedBy && left <= 0) this.stop('deadline');
    if (this.stoppedBy) {
      controller.abort();
      return controller.signal;
    }
    // One timer: whichever comes first, the attempt's timeout or the call's deadline.
    this.attemptTimer =
      left <= timeoutMs ? setTimeout(this.onDeadline, left) : setTimeout(this.onAttemptTimeout, timeoutMs);
    return controller.signal;
  }

  /** Whether the current (or last) attempt ended by its own timeout. */
  attemptTimedOutNow(): boolean {
    return this.attemptTimedOut;
  }

  endAttempt(): void {
    if (this.attemptTimer !== undefined) clearTimeout(this.attemptTimer);
    this.attemptTimer = undefined;
    this.attempt = undefined;
  }

  private readonly onDeadline = () => this.stop('deadline');
  private readonly onAttemptTimeout = () => {
    this.attemptTimedOut = true;
    this.attempt?.abort();
  };

  dispose(): void {
    this.endAttempt();
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}

/**
 * `promise`, unless `signal` aborts first (or already has): then a rejection with its reason. For
 * waits a call cannot cancel itself — a credentials provider, a module load — so the caller's
 * abort and the call's deadline still end the call on time.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
