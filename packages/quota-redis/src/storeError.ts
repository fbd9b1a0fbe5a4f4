import { QuotaStoreError } from '@iot-task/client';
import { maskPassword, type RedisAddress } from './redisUrl.ts';

/** Why Redis could not be asked, read from what ioredis reported. */
type Failure = 'auth' | 'unreachable' | 'timeout' | 'closed' | 'refused';

function failureOf(message: string): Failure {
  if (/WRONGPASS|NOAUTH|NOPERM|invalid password|AUTH <password> called without/i.test(message)) return 'auth';
  if (/timed out|ETIMEDOUT/i.test(message)) return 'timeout';
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE|not writeable|Connection is closed|connect/i.test(
      message,
    )
  )
    return 'unreachable';
  return 'refused';
}

/**
 * The QuotaStoreError for a failure to ask Redis: its code, whether trying again may help, and
 * the fix — naming the store without its password (nor anything ioredis said quoting it).
 */
export function storeError(
  address: RedisAddress,
  what: string,
  cause: unknown,
  settings: { connectTimeoutMs: number; commandTimeoutMs: number },
): QuotaStoreError {
  const said = maskPassword(cause instanceof Error ? cause.message : String(cause), address);
  const store = address.shown;
  const kind: Failure = said === 'closed' ? 'closed' : failureOf(said);
  const details = {
    auth: {
      code: 'QuotaStoreAuthFailed',
      retryable: false,
      text: `refused the credentials (${said}): put the right password in the URL (redis://:<password>@host:port)`,
    },
    unreachable: {
      code: 'QuotaStoreUnavailable',
      retryable: true,
      text: `cannot be reached (${said}): start Redis there, or fix the URL (redisQuota({ url }) or IOT_TASK_QUOTA_REDIS_URL); it reconnects by itself once Redis is back`,
    },
    timeout: {
      code: 'QuotaStoreTimeout',
      retryable: true,
      text: `did not answer in time (${said}; connectTimeoutMs ${settings.connectTimeoutMs}, commandTimeoutMs ${settings.commandTimeoutMs}): check Redis's load and the network, or raise them`,
    },
    closed: {
      code: 'QuotaStoreClosed',
      retryable: false,
      text: 'was closed (quota.close()): make a new redisQuota(…) to go on',
    },
    refused: {
      code: 'QuotaStoreFailed',
      retryable: false,
      text: `refused the request (${said}): it must be a Redis 5 or newer primary that runs Lua scripts (not a read-only replica), with room to write`,
    },
  }[kind];
  return new QuotaStoreError({
    code: details.code,
    message: `the quota store ${store} ${details.text} — ${what} was not sent`,
    retryable: details.retryable,
    store,
  });
}
