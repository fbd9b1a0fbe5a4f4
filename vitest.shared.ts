import { defineConfig } from 'vitest/config';

/**
 * Test settings every package shares (each package's vitest.config.ts merges these).
 *
 * - Fake timers fake only the clock and its timers: setTimeout/setInterval, Date and
 *   performance.now. setImmediate, process.nextTick and queueMicrotask stay real, so MSW, streams
 *   and Node's own I/O keep working while a test moves time by hand (`vi.advanceTimersByTimeAsync`).
 * - Every test and hook has a bound: a test that waits for something that never comes fails with
 *   a timeout naming it instead of hanging the run. The bounds are generous because only tests of
 *   real processes, sockets and a browser spend real time.
 */
export default defineConfig({
  test: {
    fakeTimers: {
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
  },
});
