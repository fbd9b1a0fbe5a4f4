/**
 * Deadlines and cancellation of one call without AbortSignal.timeout/any (each of those keeps
 * a timer or weak references alive long after the call): one controller for the call, one per
 * attempt, plain timers that are always cleared.
 */
export class CallSignals {
  readonly call = new AbortController();
  stoppedBy: 'caller' | 'deadline' | undefined;
  readonly deadlineAt: number;
  private attempt: AbortController | undefined;
  private attemptTimedOut = false;
  private readonly deadline: ReturnType<typeof setTimeout> | undefined;
  private readonly onCallerAbort = () => this.stop('caller');
  private readonly caller: AbortSignal | undefined;

  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.caller = caller;
    this.deadlineAt = Date.now() + timeoutMs;
    this.deadline = Number.isFinite(timeoutMs) ? setTimeout(() => this.stop('deadline'), timeoutMs) : undefined;
    if (caller?.aborted) this.stop('caller');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
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
    this.call.abort();
    this.attempt?.abort();
  }

  /** A signal for one attempt, aborted by the call or after `timeoutMs`; `end()` releases it. */
  startAttempt(timeoutMs: number): { signal: AbortSignal; timedOut: () => boolean; end: () => void } {
    const controller = new AbortController();
    this.attempt = controller;
    this.attemptTimedOut = false;
    if (this.call.signal.aborted) controller.abort();
    const timer = setTimeout(() => {
      this.attemptTimedOut = true;
      controller.abort();
    }, timeoutMs);
    return {
      signal: controller.signal,
      timedOut: () => this.attemptTimedOut,
      end: () => {
        clearTimeout(timer);
        if (this.attempt === controller) this.attempt = undefined;
      },
    };
  }

  dispose(): void {
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
