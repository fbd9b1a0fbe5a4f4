/**
 * Instructions per call in steady state, counted by valgrind's callgrind: deterministic where CPU
 * time on a shared VM is not. Each candidate runs in its own process with instrumentation off;
 * after `warmUp` calls it is switched on for exactly `counted` calls (runCandidate.ts), so neither
 * start-up nor JIT warm-up is in the figure. Each candidate is measured `runs` times, to show the
 * spread.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCandidates } from './candidates.ts';
import { startFixtureServer } from './fixtureProcess.ts';

const run = promisify(execFile);

export interface InstructionResult {
  name: string;
  /** Median of the runs. */
  instructionsPerCall: number;
  runs: number[];
}

async function count(name: string, endpoint: string, warmUp: number, counted: number): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      path.join(import.meta.dirname, 'runCandidate.ts'),
      name,
      endpoint,
      String(warmUp),
      String(counted),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const match = /Collected : (\d+)/.exec(stderr);
  if (!match) throw new Error(`callgrind printed no total for ${name}:\n${stderr.slice(-2000)}`);
  return Number(match[1]) / counted;
}

export async function valgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    await run('callgrind_control', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function measureInstructionsPerCall(
  options: { warmUp?: number; counted?: number; runs?: number } = {},
): Promise<InstructionResult[]> {
  const { warmUp = 1500, counted = 3000, runs = 2 } = options;
  const server = await startFixtureServer();
  try {
    const results: InstructionResult[] = [];
    for (const { name } of createCandidates(server.endpoint)) {
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await count(name, server.endpoint, warmUp, counted));
      const sorted = [...samples].sort((a, b) => a - b);
      results.push({ name, instructionsPerCall: sorted[Math.floor((sorted.length - 1) / 2)] as number, runs: samples });
      console.error(`  ${name}: ${samples.map((s) => `${(s / 1000).toFixed(0)} k`).join(', ')}`);
    }
    return results;
  } finally {
    server.stop();
  }
}
