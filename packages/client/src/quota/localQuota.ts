import { strictestOf } from './declaredQuota.ts';
import type { QuotaOptions, QuotaStore } from './quotaStore.ts';
import { QuotaWindow } from './quotaWindow.ts';

const windows = new Map<string, QuotaWindow>();

/**
 * The quota kept in this process: one window per account and API, shared by every client of
 * the account here — whatever each was told the quota is: the strictest setting holds for all.
 */
export function localQuota(options: QuotaOptions = {}): QuotaStore {
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
