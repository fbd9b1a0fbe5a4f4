/**
 * The standalone mock server under abuse, each phase against a fresh server in its own process
 * (the built bin, `--no-quota`, signatures verified; `--expose-gc`, so `/__mock/stats` reports
 * memory retained after a collection):
 *
 * - soak: a long run of pre-signed QueryTask requests (each with its own nonce) from autocannon
 *   in another process (loadGenerator.ts), past the nonce cache's bound, the server's RSS, heap
 *   and nonces sampled along the way;
 * - slowloris: many connections from this process, each sending its request head one byte at a
 *   time, slowly, never finishing it, while a probe keeps making signed requests on new
 *   connections: is the probe served, and when does the server close the slow connections;
 * - concurrent connections: autocannon with 1,000 connections open at once.
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MOCK_SERVER_CLI, preSignedPaths } from './preSignedRequests.ts';

export interface MemorySample {
  atSecond: number;
  rssMB: number;
  heapUsedMB: number;
  nonces: number;
}

export interface AutocannonFigures {
  requests: number;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
  /** Answers other than HTTP 200, and socket errors or timeouts. */
  non2xx: number;
  errors: number;
}

export interface StressResult {
  soak: AutocannonFigures & { samples: MemorySample[] };
  slowloris: {
    connections: number;
    /** Between two bytes of one connection's head. */
    byteEveryMs: number;
    seconds: number;
    /** Signed requests of the probe, each on a new connection, one after another. */
    probes: number;
    probeFailures: number;
    probeP50Ms: number;
    probeP99Ms: number;
    probeMaxMs: number;
    /** Slow connections the server ended within 20 s, and when (median, seconds after opening). */
    closedByServer: number;
    closedAfterSecondsMedian: number;
    /** What the server answered those it ended (status lines seen), e.g. `408 × 1000`. */
    answered: string;
  };
  concurrent: AutocannonFigures;
}

/** A fresh mock server in its own process; `stop` ends it. */
async function startServer(): Promise<{ url: string; stop: () => void }> {
  const server = spawn(
    process.execPath,
    ['--expose-gc', MOCK_SERVER_CLI, '--port', '0', '--no-quota', '--advance', '1000000'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    server.once('exit', (code) => reject(new Error(`mock server exited with ${code}`)));
  });
  return { url, stop: () => server.kill('SIGTERM') };
}

/** Sends `paths` (each once) with autocannon from its own process. */
async function autocannon(url: string, paths: string[], connections: number): Promise<AutocannonFigures> {
  const file = path.join(os.tmpdir(), `iot-task-stress-paths-${process.pid}.txt`);
  await writeFile(file, paths.join('\n'));
  try {
    const output = await new Promise<string>((resolve, reject) => {
      const load = spawn(
        process.execPath,
        [path.join(import.meta.dirname, 'loadGenerator.ts'), url, file, String(connections), String(paths.length)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      load.stdout.on('data', (chunk) => {
        out += chunk;
      });
      load.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`autocannon exited with ${code}`))));
    });
    const result = JSON.parse(output) as {
      requests: { total: number };
      latency: { p50: number; p99: number; max: number };
      duration: number;
      non2xx: number;
      errors: number;
      timeouts: number;
    };
    return {
      requests: result.requests.total,
      connections,
      seconds: result.duration,
      requestsPerSecond: result.requests.total / result.duration,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await rm(file, { force: true });
  }
}

async function stats(url: string): Promise<{ rss: number; heapUsed: number; nonces: number }> {
  return (await (await fetch(`${url}/__mock/stats`)).json()) as { rss: number; heapUsed: number; nonces: number };
}

async function soak(requests: number, connections: number): Promise<StressResult['soak']> {
  const paths = await preSignedPaths(requests, 'stress-soak');
  const server = await startServer();
  try {
    const started = performance.now();
    const samples: MemorySample[] = [];
    const sample = async () => {
      const s = await stats(server.url);
      samples.push({
        atSecond: (performance.now() - started) / 1000,
        rssMB: s.rss / 2 ** 20,
        heapUsedMB: s.heapUsed / 2 ** 20,
        nonces: s.nonces,
      });
    };
    await sample();
    const sampler = setInterval(() => void sample().catch(() => undefined), 3_000);
    const figures = await autocannon(server.url, paths, connections);
    clearInterval(sampler);
    await sample();
    return { ...figures, samples };
  } finally {
    server.stop();
  }
}

/** One signed GET on a connection of its own: its latency in ms, or NaN when it failed. */
function probe(url: string, requestPath: string, timeoutMs: number): Promise<number> {
  const { hostname, port } = new URL(url);
  const started = performance.now();
  return new Promise((resolve) => {
    const sent = request({ host: hostname, port, path: requestPath, agent: false, timeout: timeoutMs }, (answer) => {
      answer.resume();
      answer.once('end', () => resolve(answer.statusCode === 200 ? performance.now() - started : Number.NaN));
    });
    sent.once('timeout', () => sent.destroy());
    sent.once('error', () => resolve(Number.NaN));
    sent.end();
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function slowloris(
  connections: number,
  byteEveryMs: number,
  seconds: number,
): Promise<StressResult['slowloris']> {
  const paths = await preSignedPaths(Math.ceil(seconds * 1000), 'stress-probe');
  const server = await startServer();
  const { hostname, port } = new URL(server.url);
  const head = Buffer.from(`GET /__mock/tasks HTTP/1.1\r\nHost: ${hostname}:${port}\r\nX-Slow: `, 'latin1');
  const slow: { socket: Socket; sent: number; closedAt?: number; answer: string }[] = [];
  const started = performance.now();
  try {
    for (let i = 0; i < connections; i++) {
      const entry = { socket: connect({ host: hostname, port: Number(port) }), sent: 0, answer: '' };
      entry.socket.on('data', (chunk: Buffer) => {
        entry.answer += chunk.toString('latin1');
      });
      entry.socket.on('error', () => undefined);
      entry.socket.once('close', () => {
        (entry as { closedAt?: number }).closedAt = performance.now();
      });
      slow.push(entry);
    }
    // One byte per connection every `byteEveryMs`: the request line and Host, then a header
    // value that never ends.
    const drip = setInterval(() => {
      for (const entry of slow) {
        if (entry.socket.destroyed) continue;
        const byte = entry.sent < head.length ? head.subarray(entry.sent, entry.sent + 1) : Buffer.from('a');
        entry.sent += 1;
        entry.socket.write(byte);
      }
    }, byteEveryMs);
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    while (performance.now() - started < seconds * 1000 && next < paths.length) {
      const ms = await probe(server.url, paths[next++] as string, 5_000);
      if (Number.isNaN(ms)) failures += 1;
      else latencies.push(ms);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // The slow connections keep dripping until the server ends them, for up to 20 s in all.
    while (performance.now() - started < 20_000 && slow.some((e) => e.closedAt === undefined))
      await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(drip);
    latencies.sort((a, b) => a - b);
    const closed = slow.filter((e) => e.closedAt !== undefined);
    const closedAfter = closed.map((e) => ((e.closedAt as number) - started) / 1000).sort((a, b) => a - b);
    const statuses = new Map<string, number>();
    for (const entry of closed) {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(entry.answer)?.[1] ?? 'no answer';
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    return {
      connections,
      byteEveryMs,
      seconds,
      probes: latencies.length + failures,
      probeFailures: failures,
      probeP50Ms: percentile(latencies, 50),
      probeP99Ms: percentile(latencies, 99),
      probeMaxMs: latencies.at(-1) ?? Number.NaN,
      closedByServer: closed.length,
      closedAfterSecondsMedian: percentile(closedAfter, 50),
      answered:
        [...statuses].map(([status, count]) => `${status} × ${count.toLocaleString('en')}`).join(', ') || 'none',
    };
  } finally {
    for (const entry of slow) entry.socket.destroy();
    server.stop();
  }
}

async function concurrent(connections: number, requests: number): Promise<AutocannonFigures> {
  const paths = await preSignedPaths(requests, 'stress-concurrent');
  const server = await startServer();
  try {
    return await autocannon(server.url, paths, connections);
  } finally {
    server.stop();
  }
}

export async function measureMockServerStress(
  options: {
    soakRequests?: number;
    slowConnections?: number;
    slowSeconds?: number;
    concurrentConnections?: number;
    concurrentRequests?: number;
  } = {},
): Promise<StressResult> {
  return {
    // 100,000 fill the nonce cache to its bound; the rest show memory once it holds no more.
    soak: await soak(options.soakRequests ?? 150_000, 32),
    slowloris: await slowloris(options.slowConnections ?? 1_000, 1_000, options.slowSeconds ?? 12),
    concurrent: await concurrent(options.concurrentConnections ?? 1_000, options.concurrentRequests ?? 20_000),
  };
}
