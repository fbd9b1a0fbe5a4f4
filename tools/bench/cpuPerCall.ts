/**
 * CPU time per QueryTask call, with process.cpuUsage() in this process while a separate
 * server process answers. Candidates run interleaved in rounds; the median round counts.
 */
import { createCandidates } from './candidates.ts';
import { startFixtureServer } from './fixtureProcess.ts';

export interface CpuResult {
  name: string;
  cpuMicrosPerCall: number;
  /** Every round's CPU µs per call, for the spread. */
  cpuRounds: number[];
  wallMicrosPerCall: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export async function measureCpuPerCall(options: { calls: number; rounds: number }): Promise<CpuResult[]> {
  const server = await startFixtureServer();
  try {
    const candidates = createCandidates(server.endpoint);
    // Warm up: JIT, key caches, keep-alive connections.
    for (const c of candidates) for (let i = 0; i < 200; i++) await c.call();
    const samples = new Map(candidates.map((c) => [c.name, { cpu: [] as number[], wall: [] as number[] }]));
    for (let round = 0; round < options.rounds; round++) {
      for (const c of candidates) {
        const cpuStart = process.cpuUsage();
        const wallStart = performance.now();
        for (let i = 0; i < options.calls; i++) await c.call();
        const cpu = process.cpuUsage(cpuStart);
        const sample = samples.get(c.name);
        sample?.cpu.push((cpu.user + cpu.system) / options.calls);
        sample?.wall.push(((performance.now() - wallStart) * 1000) / options.calls);
      }
    }
    return candidates.map((c) => {
      const s = samples.get(c.name) ?? { cpu: [0], wall: [0] };
      return { name: c.name, cpuMicrosPerCall: median(s.cpu), cpuRounds: s.cpu, wallMicrosPerCall: median(s.wall) };
    });
  } finally {
    server.stop();
  }
}
