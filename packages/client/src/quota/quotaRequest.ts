import type { ActionDescriptor } from '@iot-task/spec';
import type { QuotaPlan } from './quotaPlan.ts';
import type { QuotaRequest } from './quotaStore.ts';

/** What an attempt of `descriptor` asks its quota for. */
export function quotaRequest(
  plan: QuotaPlan,
  accessKeyId: string,
  descriptor: ActionDescriptor,
  leaseMs: number,
  earliestArrivalMs: () => number,
): QuotaRequest {
  const requestsPerSecond = plan.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? 5;
  const ownBurst = plan.burst ?? Math.max(1, Math.ceil(requestsPerSecond) - 1);
  return {
    account: plan.account ?? accessKeyId,
    api: `${descriptor.family.id}/${descriptor.action}`,
    requestsPerSecond,
    burst: Math.min(ownBurst, Math.max(1, requestsPerSecond)),
    // Read whenever the store decides (the estimate gets better while a request waits).
    get earliestArrivalMs() {
      return plan.strict ? 0 : earliestArrivalMs();
    },
    leaseMs,
  };
}
