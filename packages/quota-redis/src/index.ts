// Public entry of @iot-task/quota-redis: an account's quota shared through Redis.
export { type RedisQuota, type RedisQuotaOptions, redisQuota } from './redisQuota.ts';
export { QUOTA_ACCOUNT_ENV, QUOTA_REDIS_URL_ENV, redisQuotaFromEnv } from './redisQuotaFromEnv.ts';
