import { createMockServer, type MockServer } from '@iot-task/mock-server';
import type { MockLogEntry } from '@iot-task/msw';

/** Two RAM users (AccessKeys) of one account, as the mock knows them. */
export const ALICE = { accessKeyId: 'alice-key', accessKeySecret: 'alice-secret' } as const;
export const BOB = { accessKeyId: 'bob-key', accessKeySecret: 'bob-secret' } as const;
export const ACCOUNT = 'acme-prod';
export const TASK_ID = 'MSnT9***q010101';

/**
 * A mock gateway over real HTTP that counts the quota strictly — never more than 5 accepted in
 * any sliding second per account and API — for both RAM users of one account.
 */
export function strictGateway(): Promise<MockServer> {
  return createMockServer({
    port: 0,
    credentials: { [ALICE.accessKeyId]: ALICE.accessKeySecret, [BOB.accessKeyId]: BOB.accessKeySecret },
    accounts: { [ALICE.accessKeyId]: ACCOUNT, [BOB.accessKeyId]: ACCOUNT },
  });
}

/** How many of `times` fall in the busiest half-open window [t, t + 1000). */
export function busiestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

/** What the gateway saw: accepted arrivals (their times) and how many it throttled. */
export function gatewayCounts(log: readonly MockLogEntry[]): { accepted: number[]; throttled: number } {
  return {
    accepted: log.filter((entry) => entry.code !== 'Throttling.User').map((entry) => entry.at),
    throttled: log.filter((entry) => entry.code === 'Throttling.User').length,
  };
}

/** Resolves after `ms` of real time. */
export function realDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
