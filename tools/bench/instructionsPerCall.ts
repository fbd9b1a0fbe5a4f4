/**
 * Instructions per call, counted by valgrind's callgrind: deterministic where CPU time on a
 * shared VM is not. Each candidate runs in its own process twice, with `low` and `high` calls;
 * (instructions(high) − instructions(low)) / (high − low) is the marginal cost of one warm call,
 * start-up and warm-up cancelling out.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createCandidates } from './candidates.ts';
import { startFixtureServer } from './fixtureProcess.ts';

const run = promisify(execFile);

export interface InstructionResult {
  name: string;
  instructionsPerCall: number;
}

async function count(name: string, endpoint: string, calls: number): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      path.join(import.meta.dirname, 'runCandidate.ts'),
      name,
      endpoint,
      String(calls),
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const match = /Collected : (\d+)/.exec(stderr);
  if (!match) throw new Error(`callgrind printed no total for ${name}`);
  return Number(match[1]);
}

export async function valgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    return true;
  } catch {
    return false;
  }
}

export async function measureInstructionsPerCall(low = 100, high = 300): Promise<InstructionResult[]> {
  const server = await startFixtureServer();
  try {
    const results: InstructionResult[] = [];
    for (const { name } of createCandidates(server.endpoint)) {
      const [a, b] = [await count(name, server.endpoint, low), await count(name, server.endpoint, high)];
      results.push({ name, instructionsPerCall: (b - a) / (high - low) });
    }
    return results;
  } finally {
    server.stop();
  }
}
