import { afterEach, beforeAll, beforeEach, vi } from 'vitest';

export interface FakeTimeOptions {
  /**
   * Loads, on the real clock and before the first test, the modules the code under test imports
   * on first use: loading a module is real I/O, which a fake clock must never race.
   */
  warm?: () => Promise<unknown>;
}

/** Every test of the file (or `describe` block) runs on vitest's fake clock (vitest.shared.ts says what is faked). */
export function fakeClockEachTest(options: FakeTimeOptions = {}): void {
  const { warm } = options;
  if (warm) beforeAll(warm);
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

/**
 * Runs the fake clock until `promise` settles, then returns its outcome. It is deterministic when
 * the work between timers is microtasks only — a client given an in-process `fetch`
 * (`fetchFromHandlers`) and signing with synchronous `node:crypto` — so the verdict never depends
 * on how busy the machine is. Fails, rather than hangs, when the promise is still pending after
 * every timer ran.
 */
export async function settle<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const outcome = promise.then(
    (value) => {
      settled = true;
      return { value };
    },
    (error: unknown) => {
      settled = true;
      return { error };
    },
  );
  await vi.runAllTimersAsync();
  for (let i = 0; i < 20 && !settled; i++) await Promise.resolve();
  if (!settled) throw new Error('settle: the promise is still pending after every timer ran (waiting on real I/O?)');
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}
