/**
 * Sustained throughput of the standalone mock server with signature verification on, and its
 * memory as requests accumulate. The server runs in its own process (the built bin); the load
 * comes from this process: our client, V3-signed, `concurrency` calls in flight, quota and
 * retries off on both sides.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createIotTaskClient } from '@iot-task/client';

export interface LoadResult {
  requests: number;
  concurrency: number;
  requestsPerSecond: number;
  /** Server memory and nonce-cache size after each checkpoint of requests. */
  checkpoints: { requests: number; rssMB: number; heapUsedMB: number; nonces: number }[];
  errors: number;
}

const cli = path.resolve(import.meta.dirname, '..', '..', 'packages', 'mock-server', 'bin', 'iot-task-mock.js');

export async function measureMockServerLoad(total = 150_000, concurrency = 16): Promise<LoadResult> {
  const child = spawn(process.execPath, ['--expose-gc', cli, '--port', '0', '--no-quota'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
    });
    const client = createIotTaskClient({
      endpoint: url,
      credentials: { accessKeyId: 'iot-task-test-key', accessKeySecret: 'iot-task-test-secret' },
      quota: false,
      retry: false,
    });
    const stats = async (requests: number) => {
      const s = (await (await fetch(`${url}/__mock/stats`)).json()) as {
        rss: number;
        heapUsed: number;
        nonces: number;
      };
      return { requests, rssMB: s.rss / 2 ** 20, heapUsedMB: s.heapUsed / 2 ** 20, nonces: s.nonces };
    };
    const checkpoints = [await stats(0)];
    const marks = new Set([10_000, 50_000, 100_000, total]);
    let sent = 0;
    let done = 0;
    let errors = 0;
    const started = performance.now();
    const worker = async () => {
      while (sent < total) {
        sent++;
        try {
          await client.queryTask({ TaskId: 'MSnT9***q010101' });
        } catch {
          errors++;
        }
        done++;
        if (marks.has(done)) checkpoints.push(await stats(done));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { requests: total, concurrency, requestsPerSecond: total / seconds, checkpoints, errors };
  } finally {
    child.kill('SIGTERM');
  }
}
