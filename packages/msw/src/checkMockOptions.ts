import { QUOTA_COUNTINGS, type QuotaCounting } from './quotaCounter.ts';

/** An option of `createIotMock` that cannot be used: `field` names it (`quota.burst`, `accounts["AK1"]`). */
export class IotMockOptionError extends Error {
  override name = 'IotMockOptionError';
  readonly field: string;

  constructor(field: string, expected: string, received?: string) {
    super(`${field}: expected ${expected}${received === undefined ? '' : `, received ${received}`}`);
    this.field = field;
  }
}

/** The largest log a mock keeps (`logLimit`). */
export const MAX_LOG_LIMIT = 1_000_000;

export interface CheckedQuota {
  counting: QuotaCounting;
  requestsPerSecond: number | undefined;
  burst: number | undefined;
}

const shown = (value: unknown): string =>
  typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? typeof value : String(value);

/** The quota option, checked: `false`, or how it is counted and at what rate. */
export function checkQuotaOption(quota: unknown): CheckedQuota | false {
  if (quota === false) return false;
  if (quota === undefined) return { counting: 'sliding-window', requestsPerSecond: undefined, burst: undefined };
  if (typeof quota !== 'object' || quota === null || Array.isArray(quota))
    throw new IotMockOptionError('quota', 'false or { requestsPerSecond?, burst?, counting? }', shown(quota));
  const { requestsPerSecond, burst, counting = 'sliding-window' } = quota as Record<string, unknown>;
  if (!QUOTA_COUNTINGS.includes(counting as QuotaCounting))
    throw new IotMockOptionError('quota.counting', QUOTA_COUNTINGS.map((c) => `'${c}'`).join(' or '), shown(counting));
  const bucket = counting === 'token-bucket';
  if (
    requestsPerSecond !== undefined &&
    !(
      typeof requestsPerSecond === 'number' &&
      Number.isFinite(requestsPerSecond) &&
      requestsPerSecond >= (bucket ? Number.MIN_VALUE : 1)
    )
  )
    throw new IotMockOptionError(
      'quota.requestsPerSecond',
      bucket ? 'a number above 0' : 'a number of at least 1 (a sliding second admits whole requests)',
      shown(requestsPerSecond),
    );
  if (burst !== undefined) {
    if (!bucket)
      throw new IotMockOptionError(
        'quota.burst',
        "nothing unless quota.counting is 'token-bucket' (a sliding window has no burst)",
        shown(burst),
      );
    if (!(typeof burst === 'number' && Number.isFinite(burst) && burst >= 1))
      throw new IotMockOptionError('quota.burst', 'a number of at least 1', shown(burst));
  }
  return {
    counting: counting as QuotaCounting,
    requestsPerSecond: requestsPerSecond as number | undefined,
    burst: burst as number | undefined,
  };
}

/**
 * The accounts option, checked: AccessKey ID → account name, each name a non-empty string; with
 * signatures verified, every AccessKey listed must be one of `credentials`.
 */
export function checkAccountsOption(
  accounts: unknown,
  credentials: Readonly<Record<string, string>>,
  verifySignatures: boolean,
): ReadonlyMap<string, string> {
  const byKey = new Map<string, string>();
  if (accounts === undefined) return byKey;
  if (typeof accounts !== 'object' || accounts === null || Array.isArray(accounts))
    throw new IotMockOptionError('accounts', 'an object of AccessKey ID → account name', shown(accounts));
  for (const [accessKeyId, account] of Object.entries(accounts)) {
    const field = `accounts[${JSON.stringify(accessKeyId)}]`;
    if (accessKeyId.trim() === '') throw new IotMockOptionError('accounts', 'non-empty AccessKey IDs', '""');
    if (typeof account !== 'string' || account.trim() === '')
      throw new IotMockOptionError(field, 'an account name (a non-empty string)', shown(account));
    if (verifySignatures && !Object.hasOwn(credentials, accessKeyId))
      throw new IotMockOptionError(
        field,
        'an AccessKey ID of credentials (signatures are verified, so no request could carry another)',
        JSON.stringify(accessKeyId),
      );
    byKey.set(accessKeyId, account);
  }
  return byKey;
}

/** The log limit, checked: a whole number from 1 to MAX_LOG_LIMIT. */
export function checkLogLimit(logLimit: unknown, fallback: number): number {
  if (logLimit === undefined) return fallback;
  if (!(typeof logLimit === 'number' && Number.isInteger(logLimit) && logLimit >= 1 && logLimit <= MAX_LOG_LIMIT))
    throw new IotMockOptionError('logLimit', `a whole number from 1 to ${MAX_LOG_LIMIT}`, shown(logLimit));
  return logLimit;
}
