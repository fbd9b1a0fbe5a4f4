/**
 * Quota settings clients were made with, by quota key (the AccessKey ID, or `quota.key`), known
 * before any of them has sent anything: the bucket a key's first call makes then already holds
 * the strictest setting of every client sharing the key, not only of those that have called.
 */
export interface DeclaredQuota {
  requestsPerSecond: number | undefined;
  burst: number | undefined;
}

const declared = new Map<string, DeclaredQuota>();

function stricter(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Records a client's settings for its key (keeping the strictest of all clients). */
export function declareQuota(key: string, settings: DeclaredQuota): void {
  if (settings.requestsPerSecond === undefined && settings.burst === undefined) return;
  const before = declared.get(key);
  declared.set(key, {
    requestsPerSecond: stricter(before?.requestsPerSecond, settings.requestsPerSecond),
    burst: stricter(before?.burst, settings.burst),
  });
}

/** The strictest settings declared for a key so far. */
export function declaredQuota(key: string): DeclaredQuota | undefined {
  return declared.get(key);
}
