/**
 * Sustained throughput of the standalone mock server with signature verification on, and its
 * memory as requests accumulate past the nonce cache's bound. The server runs in its own process
 * (the built bin, `--no-quota`); the load comes from autocannon in another (loadGenerator.ts),
 * sending requests signed beforehand (RPC HMAC-SHA1, GET, each with its own nonce), so neither
 * our client nor signing is what is measured. This process only samples the server's memory.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MOCK_SERVER_CLI, preSignedPaths } from './preSignedRequests.ts';

export interface LoadResult {
  requests: number;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Answers other than HTTP 200 (a refused signature, a reused nonce), and socket errors. */
  non2xx: number;
  errors: number;
  /** Server memory and nonce-cache size, sampled while the load runs and after it. */
  samples: { atSecond: number; rssMB: number; heapUsedMB: number; nonces: number }[];
}

export async function measureMockServerLoad(total = 160_000, connections = 32): Promise<LoadResult> {
  const file = path.join(os.tmpdir(), `iot-task-bench-paths-${process.pid}.txt`);
  await writeFile(file, (await preSignedPaths(total, 'bench')).join('\n'));
  const server = spawn(
    process.execPath,
    ['--expose-gc', MOCK_SERVER_CLI, '--port', '0', '--no-quota', '--advance', '1000000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      server.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
    });
    const started = performance.now();
    const samples: LoadResult['samples'] = [];
    const sample = async () => {
      const s = (await (await fetch(`${url}/__mock/stats`)).json()) as {
        rss: number;
        heapUsed: number;
        nonces: number;
      };
      samples.push({
        atSecond: (performance.now() - started) / 1000,
        rssMB: s.rss / 2 ** 20,
        heapUsedMB: s.heapUsed / 2 ** 20,
        nonces: s.nonces,
      });
    };
    await sample();
    const sampler = setInterval(() => void sample().catch(() => undefined), 5_000);
    const output = await new Promise<string>((resolve, reject) => {
      const load = spawn(
        process.execPath,
        [path.join(import.meta.dirname, 'loadGenerator.ts'), url, file, String(connections), String(total)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      load.stdout.on('data', (chunk) => {
        out += chunk;
      });
      load.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`autocannon exited with ${code}`))));
    });
    clearInterval(sampler);
    await sample();
    const result = JSON.parse(output) as {
      requests: { total: number; average: number };
      latency: { p50: number; p99: number };
      duration: number;
      non2xx: number;
      errors: number;
    };
    return {
      requests: result.requests.total,
      connections,
      requestsPerSecond: result.requests.total / result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
      samples,
    };
  } finally {
    server.kill('SIGTERM');
    await rm(file, { force: true });
  }
}
