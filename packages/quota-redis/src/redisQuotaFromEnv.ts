import { nonEmpty } from './checkOptions.ts';
import { type RedisQuota, redisQuota } from './redisQuota.ts';
import { redisAddress } from './redisUrl.ts';

/** The Redis URL of the shared quota, for tools that read it from the environment. */
export const QUOTA_REDIS_URL_ENV = 'IOT_TASK_QUOTA_REDIS_URL';
/** The account whose quota it is (else each AccessKey counts as its own). */
export const QUOTA_ACCOUNT_ENV = 'IOT_TASK_QUOTA_ACCOUNT';

/**
 * The shared quota the environment names — `IOT_TASK_QUOTA_REDIS_URL` and, if set,
 * `IOT_TASK_QUOTA_ACCOUNT` — or undefined when the URL is not set. What the CLI, the contract
 * kit's `--live` run and a signing proxy use, so that many processes share one account's quota.
 * A malformed URL is a ValidationError naming the variable.
 */
export function redisQuotaFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): RedisQuota | undefined {
  const url = env[QUOTA_REDIS_URL_ENV];
  if (url === undefined || url === '') return undefined;
  // Checked under the variables' names, so the message says which one to fix.
  redisAddress(QUOTA_REDIS_URL_ENV, url);
  const account = nonEmpty(QUOTA_ACCOUNT_ENV, env[QUOTA_ACCOUNT_ENV] || undefined);
  return redisQuota({ url, ...(account ? { account } : {}) });
}
