import type { QuotaOptions } from './quotaStore.ts';

/** The strictest settings clients of one account asked for in this process. */
interface Declared {
  requestsPerSecond: number | undefined;
  burst: number | undefined;
}

const declared = new Map<string, Declared>();

function stricter(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/**
 * Records a client's settings for its account before it has sent anything, so the window its
 * account's first call makes already holds the strictest setting of every client sharing it.
 */
export function declareLocalQuota(account: string, options: QuotaOptions): void {
  if (options.requestsPerSecond === undefined && options.burst === undefined) return;
  const before = declared.get(account);
  declared.set(account, {
    requestsPerSecond: stricter(before?.requestsPerSecond, options.requestsPerSecond),
    burst: stricter(before?.burst, options.burst),
  });
}

/** The strictest rate and burst declared for `account`, applied to a request's own. */
export function strictestOf(
  account: string,
  requestsPerSecond: number,
  burst: number,
): { requestsPerSecond: number; burst: number } {
  const strictest = declared.get(account);
  const rate = Math.min(requestsPerSecond, strictest?.requestsPerSecond ?? requestsPerSecond);
  return { requestsPerSecond: rate, burst: Math.min(burst, strictest?.burst ?? burst, Math.max(1, rate)) };
}
