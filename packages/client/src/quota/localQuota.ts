import type { QuotaOptions, QuotaStore } from './quotaStore.ts';
import { QuotaWindow } from './quotaWindow.ts';

/** The strictest settings clients of one account asked for in this process. */
interface Declared {
  requestsPerSecond: number | undefined;
  burst: number | undefined;
}

const windows = new Map<string, QuotaWindow>();
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

/**
 * The quota kept in this process: one window per account and API, shared by every client of
 * the account here — whatever each was told the quota is: the strictest setting holds for all.
 */
export function localQuota(options: QuotaOptions): QuotaStore {
  return {
    options,
    acquire(request, signal) {
      const { requestsPerSecond, burst } = strictestOf(request.account, request.requestsPerSecond, request.burst);
      const key = `${request.account}\u0000${request.api}`;
      let window = windows.get(key);
      if (!window) {
        window = new QuotaWindow(requestsPerSecond, burst);
        windows.set(key, window);
      } else {
        window.tighten(requestsPerSecond, burst);
      }
      return window.acquire(signal, () => request.earliestArrivalMs);
    },
  };
}
