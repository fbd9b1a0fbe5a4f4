/**
 * The time a contract run spends between requests: pacing under the quota, polling a task,
 * letting a drained quota refill. A server over the network runs on the real clock; the
 * in-process mock runs on a virtual one that the run advances instead of waiting, so a run is
 * fast and its verdict independent of the machine's speed.
 */
export interface ContractClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: ContractClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A clock that only moves when slept on; give its `now` to the mock that shares it. */
export function virtualClock(start: number = Date.now()): ContractClock {
  let now = start;
  return {
    now: () => now,
    async sleep(ms) {
      now += Math.max(0, ms);
    },
  };
}
