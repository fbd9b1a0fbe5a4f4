import { describeValue, milliseconds, optionsObject, positiveNumber } from '../checkOptions.ts';
import { ValidationError } from '../errors.ts';
import { declareLocalQuota } from './declaredQuota.ts';
import { isQuotaStore, type QuotaOptions, type QuotaStore } from './quotaStore.ts';

/** How long a call may wait for its turn, in all, unless told otherwise. */
export const DEFAULT_MAX_WAIT_MS = 300_000;

/** A client's quota, checked: where it is kept and how the client uses it. */
export interface QuotaPlan {
  /** The store given, or undefined for the quota kept in this process (loaded with the signer). */
  readonly store: QuotaStore | undefined;
  readonly account: string | undefined;
  readonly requestsPerSecond: number | undefined;
  readonly burst: number | undefined;
  readonly maxWaitMs: number;
  readonly strict: boolean;
}

/** The `field` options of a quota (the client's `quota`, or a store's own), checked now. */
export function checkQuotaOptions(field: string, given: QuotaOptions | undefined): Omit<QuotaPlan, 'store'> {
  const quota = optionsObject(field, given) ?? {};
  const rate =
    quota.requestsPerSecond === undefined
      ? undefined
      : positiveNumber(`${field}.requestsPerSecond`, quota.requestsPerSecond, 0);
  if (
    quota.burst !== undefined &&
    (typeof quota.burst !== 'number' ||
      !Number.isFinite(quota.burst) ||
      quota.burst < 1 ||
      (rate !== undefined && quota.burst > Math.max(1, rate)))
  ) {
    throw new ValidationError(
      `${field}.burst`,
      `a number from 1 to requestsPerSecond${rate === undefined ? '' : ` (${rate})`}`,
      describeValue(quota.burst),
    );
  }
  const legacy = (quota as { key?: unknown }).key;
  if (legacy !== undefined) {
    throw new ValidationError(`${field}.key`, `nothing: the quota is the account's, name it with ${field}.account`);
  }
  if (quota.account !== undefined && (typeof quota.account !== 'string' || quota.account.trim() === '')) {
    throw new ValidationError(`${field}.account`, 'a non-empty string', describeValue(quota.account));
  }
  if (quota.strict !== undefined && typeof quota.strict !== 'boolean') {
    throw new ValidationError(`${field}.strict`, 'true or false', describeValue(quota.strict));
  }
  return {
    account: quota.account,
    requestsPerSecond: rate,
    burst: quota.burst,
    maxWaitMs: milliseconds(`${field}.maxWaitMs`, quota.maxWaitMs, DEFAULT_MAX_WAIT_MS, 0),
    strict: quota.strict ?? false,
  };
}

/**
 * The client's `quota` option, checked: plain options keep the quota in this process; a store
 * (`redisQuota(…)`) keeps it wherever it does, used as its own `options` say.
 */
export function quotaPlan(
  given: QuotaOptions | QuotaStore | undefined,
  staticAccessKeyId: string | undefined,
): QuotaPlan {
  if (isQuotaStore(given)) return { store: given, ...checkQuotaOptions('quota.options', given.options) };
  const checked = checkQuotaOptions('quota', given);
  // Known now (an account, or static credentials): other clients of the account hold these
  // settings from their first call, even if this client has not called yet.
  const account = checked.account ?? staticAccessKeyId;
  if (account !== undefined) declareLocalQuota(account, checked);
  return { store: undefined, ...checked };
}
