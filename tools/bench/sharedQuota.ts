/**
 * The account's quota when many processes share it: aggregate rate of accepted requests at the
 * server and throttled answers, for 1, 2, 4 and 8 processes × round trips of 0, 50 and 200 ms,
 * with the quota shared through Redis (@iot-task/quota-redis) or kept per process (the client's
 * default). Real processes, a real redis-server of its own, the mock server counting strictly
 * (never more than 5 in any sliding second per account and API; two RAM users of one account),
 * and a proxy in front of it that delays each direction by half the round trip.
 */
import { spawn } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createMockServer } from '@iot-task/mock-server';
import { startTestRedis } from '@iot-task/test-support/redisServer';

const KEYS = [
  { accessKeyId: 'bench-alice', accessKeySecret: 'bench-alice-secret' },
  { accessKeyId: 'bench-bob', accessKeySecret: 'bench-bob-secret' },
];
const CHILD = path.join(import.meta.dirname, 'quotaLoadProcess.ts');

export interface QuotaCell {
  processes: number;
  roundTripMs: number;
  mode: 'shared' | 'local' | 'local-strict';
  /** Accepted arrivals at the server per second, over the steady part of the run. */
  acceptedPerSecond: number;
  /** Most accepted arrivals in any sliding second. */
  busiestSecond: number;
  throttled: number;
  attempts: number;
  /** Calls that ended in an error at the callers. */
  failedCalls: number;
}

/** An HTTP proxy that holds each request `oneWayMs` before forwarding it and each answer as long again. */
async function delayProxy(target: string, oneWayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      setTimeout(() => {
        const forwarded = httpRequest(
          { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            const body: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => body.push(chunk));
            answer.on('end', () =>
              setTimeout(
                () => res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body)),
                oneWayMs,
              ),
            );
          },
        );
        forwarded.on('error', () => res.writeHead(502).end());
        forwarded.end(Buffer.concat(chunks));
      }, oneWayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function runProcess(env: Record<string, string>): Promise<{ ok: number; failed: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line));
      else reject(new Error(`quota bench process exited with ${code}: ${out.slice(-300)}`));
    });
  });
}

function busiest(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] as number) < (sorted[i] as number) + 1000) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

export async function measureSharedQuota(
  options: { processes?: number[]; roundTrips?: number[]; durationMs?: number } = {},
): Promise<QuotaCell[]> {
  const { processes = [1, 2, 4, 8], roundTrips = [0, 50, 200], durationMs = 15_000 } = options;
  const redis = await startTestRedis();
  const mock = await createMockServer({
    port: 0,
    credentials: Object.fromEntries(KEYS.map((key) => [key.accessKeyId, key.accessKeySecret])),
    accounts: Object.fromEntries(KEYS.map((key) => [key.accessKeyId, 'bench'])),
  });
  // A Redis that started moments ago holds every grant for the restart hold: wait it out once.
  await new Promise((resolve) => setTimeout(resolve, 6500));
  const cells: QuotaCell[] = [];
  try {
    for (const roundTripMs of roundTrips) {
      const proxy = await delayProxy(mock.url, roundTripMs / 2);
      try {
        for (const count of processes) {
          const modes = count === 1 ? (['shared', 'local', 'local-strict'] as const) : (['shared', 'local'] as const);
          for (const mode of modes) {
            mock.mock.reset();
            // Far from any earlier run's places.
            await new Promise((resolve) => setTimeout(resolve, 2000));
            const started = Date.now();
            const results = await Promise.all(
              Array.from({ length: count }, (_, i) => {
                const key = KEYS[i % KEYS.length] as (typeof KEYS)[number];
                return runProcess({
                  QUOTA_MODE: mode,
                  QUOTA_REDIS_URL: redis.url,
                  QUOTA_ENDPOINT: proxy.url,
                  QUOTA_KEY_ID: key.accessKeyId,
                  QUOTA_KEY_SECRET: key.accessKeySecret,
                  QUOTA_DURATION_MS: String(durationMs),
                  QUOTA_CONCURRENCY: '10',
                });
              }),
            );
            const log = mock.mock.log.filter((entry) => entry.action === 'QueryTask');
            const accepted = log.filter((entry) => entry.httpStatus === 200).map((entry) => entry.at);
            // The steady part: from 3 s after the first arrival to the end of the run, measured
            // between two arrivals a whole number of quotas apart (bursts of 5 do not skew it).
            const first = Math.min(...accepted);
            const steady = accepted
              .filter((at) => at >= first + 3000 && at < started + durationMs)
              .sort((a, b) => a - b);
            const span = Math.floor((steady.length - 1) / 5) * 5;
            const perSecond =
              span > 0 ? (span * 1000) / ((steady[span] as number) - (steady[0] as number)) : Number.NaN;
            cells.push({
              processes: count,
              roundTripMs,
              mode,
              acceptedPerSecond: perSecond,
              busiestSecond: busiest(accepted),
              throttled: log.filter((entry) => entry.code === 'Throttling.User').length,
              attempts: log.length,
              failedCalls: results.reduce((n, r) => n + r.failed, 0),
            });
            console.error(`quota bench: ${JSON.stringify(cells.at(-1))}`);
          }
        }
      } finally {
        await proxy.close();
      }
    }
  } finally {
    await mock.close();
    await redis.stop();
  }
  return cells;
}
