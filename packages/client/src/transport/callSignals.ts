/**
 * Deadlines and cancellation of one call without AbortSignal.timeout/any (each of those keeps
 * a timer or weak references alive long after the call). A call that goes straight to its
 * answer costs one timer: each attempt's, set to the attempt's timeout or to what is left of the
 * call's, whichever ends first. The call's own controller and deadline timer exist only once
 * something waits outside an attempt (the quota, a retry's backoff). Every timer is cleared.
 */
export class CallSignals {
  stoppedBy: 'caller' | 'deadline' | undefined;
  readonly deadlineAt: number;
  private controller: AbortController | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private attempt: AbortController | undefined;
  private attemptTimedOut = false;
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

  private stop(why: 'caller' | 'deadline'): void {
    this.stoppedBy ??= why;
    this.controller?.abort();
    this.attempt?.abort();
  }

  /**
   * A signal for one attempt, aborted by the caller, at the call's deadline or after
   * `timeoutMs`; `end()` releases it.
   */
  startAttempt(timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; end: () => void } {
    const controller = new AbortController();
    this.attempt = controller;
    this.attemptTimedOut = false;
    const left = this.remaining();
    if (!this.stoppedBy && left <= 0) this.stop('deadline');
    if (this.stoppedBy) controller.abort();
    // One timer: whichever comes first, the attempt's timeout or the call's deadline.
    const deadlineFirst = left <= timeoutMs;
    const timer = this.stoppedBy
      ? undefined
      : setTimeout(
          () => {
            if (deadlineFirst) this.stop('deadline');
            else {
              this.attemptTimedOut = true;
              controller.abort();
            }
          },
          deadlineFirst ? left : timeoutMs,
        );
    return {
      signal: controller.signal,
      timedOut: () => this.attemptTimedOut,
      end: () => {
        if (timer !== undefined) clearTimeout(timer);
        if (this.attempt === controller) this.attempt = undefined;
      },
    };
  }

  dispose(): void {
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
