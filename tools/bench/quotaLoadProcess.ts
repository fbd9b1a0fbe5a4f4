/**
 * One process of the shared-quota benchmark (sharedQuota.ts): QUOTA_CONCURRENCY calls in a loop
 * each, with every default client option, until QUOTA_DURATION_MS has passed; then it prints
 * `{ "ok", "failed", "codes" }` and ends. QUOTA_MODE: `shared` (the account's quota through
 * Redis at QUOTA_REDIS_URL), `local` (the default: kept in this process), `local-strict`.
 */
import { createIotTaskClient, type QuotaOptions, type QuotaStore } from '@iot-task/client';
import { redisQuota } from '@iot-task/quota-redis';

const env = process.env;
const mode = env.QUOTA_MODE;
const store = mode === 'shared' ? redisQuota({ url: env.QUOTA_REDIS_URL as string, account: 'bench' }) : undefined;
const quota: QuotaOptions | QuotaStore = store ?? { account: 'bench', strict: mode === 'local-strict' };
const client = createIotTaskClient({
  endpoint: env.QUOTA_ENDPOINT as string,
  credentials: { accessKeyId: env.QUOTA_KEY_ID as string, accessKeySecret: env.QUOTA_KEY_SECRET as string },
  quota,
});
const until = Date.now() + Number(env.QUOTA_DURATION_MS);
let ok = 0;
let failed = 0;
const codes: Record<string, number> = {};
await Promise.all(
  Array.from({ length: Number(env.QUOTA_CONCURRENCY ?? 10) }, async () => {
    while (Date.now() < until) {
      try {
        await client.queryTask(
          { TaskId: 'MSnT9***q010101' },
          { signal: AbortSignal.timeout(Math.max(1, until + 30_000 - Date.now())) },
        );
        ok += 1;
      } catch (error) {
        failed += 1;
        const code = (error as { code?: string }).code ?? 'unknown';
        codes[code] = (codes[code] ?? 0) + 1;
      }
    }
  }),
);
await store?.close();
process.stdout.write(`${JSON.stringify({ ok, failed, codes })}\n`);
