/** How far a request time may be from the server's: 15 minutes either way (the spec's Timestamp and x-acs-date). */
export const TIMESTAMP_WINDOW_MS = 15 * 60_000;

/**
 * How close to the window's edge the kit's request times go, on either side: near enough that a
 * window a minute too wide or too narrow shows, far enough for a server clock off by a few seconds.
 */
export const WINDOW_EDGE_MS = 30_000;

/** `15 min 30 s`: an offset as a person reads it. */
export function minutesAndSeconds(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}
