/**
 * Child entry for instruction counting, run under `valgrind --tool=callgrind --instr-atstart=no`:
 * `node runCandidate.ts <candidate> <host:port> <warm-up calls> <counted calls>`. Counting is
 * switched on only after the warm-up (JIT compilation, caches, the keep-alive connection) and off
 * before exit, so the total is the steady-state cost of exactly the counted calls.
 */
import { execFileSync } from 'node:child_process';
import { createCandidates } from './candidates.ts';

const [name, endpoint, warmUp, counted] = process.argv.slice(2);
const candidate = createCandidates(endpoint as string).find((c) => c.name === name);
if (!candidate) throw new Error(`no candidate ${name}`);
const instrumentation = (state: 'on' | 'off') =>
  execFileSync('callgrind_control', ['--instr', state, String(process.pid)], { stdio: 'ignore' });
for (let i = 0; i < Number(warmUp); i++) await candidate.call();
instrumentation('on');
for (let i = 0; i < Number(counted); i++) await candidate.call();
instrumentation('off');
process.exit(0);
