/** Exit codes of `iot-task`, also listed in `--help`. */
export const EXIT = {
  /** query printed the task; watch saw SUCCEEDED. */
  ok: 0,
  /** The API answered with an error, or could not be reached. */
  error: 1,
  /** Bad command line or input (nothing was sent). */
  usage: 2,
  /** No usable credentials. */
  credentials: 3,
  /** watch gave up (--timeout) before a terminal status. */
  waitTimeout: 4,
  FAILED: 10,
  REJECTED: 11,
  TIMED_OUT: 12,
  CANCELLED: 13,
  /** Interrupted (Ctrl+C). */
  interrupted: 130,
} as const;

/** The exit code for a terminal status. */
export function exitForStatus(status: string): number {
  return status === 'SUCCEEDED' ? EXIT.ok : ((EXIT as Record<string, number>)[status] ?? EXIT.error);
}
