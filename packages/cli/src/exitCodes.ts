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
  /** watch met a status the spec does not list, so whether the task ended is unknown. */
  unknownStatus: 5,
  FAILED: 10,
  REJECTED: 11,
  TIMED_OUT: 12,
  CANCELLED: 13,
  /** Interrupted (Ctrl+C, SIGINT). */
  interrupted: 130,
  /** stdout was closed by its reader (e.g. `| head -1`): ended quietly, as SIGPIPE would. */
  brokenPipe: 141,
  /** Terminated (SIGTERM). */
  terminated: 143,
} as const;

/** The exit code for a terminal status. */
export function exitForStatus(status: string): number {
  return status === 'SUCCEEDED' ? EXIT.ok : ((EXIT as Record<string, number>)[status] ?? EXIT.error);
}
