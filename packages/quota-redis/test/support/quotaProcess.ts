/**
 * One process of a multi-process test, run with `node` (Node strips the types): what a service
 * of a team would do with the shared quota. Told what to do by environment variables:
 * - QUOTA_MODE=calls: QUOTA_CALLS calls at once with every default option, each reported on
 *   its own line as JSON `{ "ok", "code", "at" }` when it ends; then it closes the quota.
 * - QUOTA_MODE=hold: takes QUOTA_CALLS places (a lease of QUOTA_LEASE_MS) and never gives them
 *   back, prints `{ "held": <Date.now()> }`, and waits to be killed.
 * - QUOTA_MODE=no-close: one call, and it never closes the quota: the process must still end.
 */
import { createIotTaskClient } from '@iot-task/client';
import { redisQuota } from '../../src/index.ts';

const env = process.env;
const quota = redisQuota({ url: env.QUOTA_REDIS_URL as string, account: env.QUOTA_ACCOUNT as string });
const calls = Number(env.QUOTA_CALLS ?? 1);
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (env.QUOTA_MODE === 'hold') {
  const request = {
    account: env.QUOTA_ACCOUNT as string,
    api: 'Iot20180120/QueryTask',
    requestsPerSecond: 5,
    burst: 5,
    earliestArrivalMs: 0,
    leaseMs: Number(env.QUOTA_LEASE_MS),
  };
  for (let i = 0; i < calls; i++) await quota.acquire(request, new AbortController().signal);
  print({ held: Date.now() });
  setInterval(() => undefined, 60_000);
} else {
  const client = createIotTaskClient({
    endpoint: env.QUOTA_ENDPOINT as string,
    credentials: { accessKeyId: env.QUOTA_KEY_ID as string, accessKeySecret: env.QUOTA_KEY_SECRET as string },
    quota,
  });
  await Promise.all(
    Array.from({ length: calls }, () =>
      client.queryTask({ TaskId: 'MSnT9***q010101' }).then(
        () => print({ ok: true, at: Date.now() }),
        (error: { code?: string; message?: string }) =>
          print({ ok: false, code: error.code, message: error.message, at: Date.now() }),
      ),
    ),
  );
  if (env.QUOTA_MODE !== 'no-close') await quota.close();
}
