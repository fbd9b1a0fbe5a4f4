/**
 * `npm run test:mutation`: the contract kit proves its own sharpness. Every mutant of the mock
 * (tools/mutation/mutants.ts: gateway checks switched off, answers rewritten by a handler in
 * front of it) is put under the whole contract suite twice — in-process (MSW) and over HTTP (the
 * mock server). A mutant is killed when the kit goes red on both. Equivalent mutants (the spec
 * allows what they do) must stay green: a red there is a kit stricter than the spec.
 *
 * Prints the score; exits 1 when the unmutated mock is not green, when any non-equivalent mutant
 * survives on either target, or when an equivalent one is killed.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { baseUrlTarget, type ContractReport, mswTarget, runContract } from '@iot-task/contract';
import { createMockServer } from '@iot-task/mock-server';
import { mutantHandler } from './mutantHandler.ts';
import { type Mutant, mutants } from './mutants.ts';
import { wireProxy } from './wireProxy.ts';

interface Verdict {
  killed: boolean;
  /** The cases that went red (the first few), or why the run could not finish. */
  by: string[];
  /** Cases the kit could not judge in time (a burst slowed down by a loaded machine). */
  inconclusive: number;
  /** The target cannot carry the mutant (a lie on the wire, in-process): it counts as the other target judged. */
  na?: boolean;
}

function verdict(report: ContractReport): Verdict {
  const failed = report.results.filter((r) => r.outcome === 'failed');
  return {
    killed: failed.length > 0,
    by: failed.map((r) => `${r.id}: ${r.problems[0] ?? ''}`),
    inconclusive: report.inconclusive,
  };
}

function handlersOf(mutant: Mutant | undefined) {
  const rewrite = mutant?.rewrite;
  return rewrite ? { handlers: (mock: Parameters<typeof mutantHandler>[0]) => [mutantHandler(mock, rewrite)] } : {};
}

/** The spec's quota, and the faster one the HTTP mocks run at (the kit is told: it paces and bursts to it). */
const SPEC_QUOTA = 5;
const HTTP_QUOTA = 20;

/** The mock a mutant runs: its checks, at the declared quota (or, for a lax one, a multiple of it). */
function mockOptions(mutant: Mutant | undefined, quota: number) {
  return {
    ...(mutant?.checks ? { checks: mutant.checks } : {}),
    quota: { requestsPerSecond: quota * (mutant?.quotaScale ?? 1) },
  };
}

/** A lie told only on the wire has no in-process form: judged over HTTP only (`na`). */
async function inProcess(mutant: Mutant | undefined): Promise<Verdict> {
  if ((mutant?.wire && !mutant.rewrite) || mutant?.quotaPerSourceAddress)
    // Counts as the verdict the mutant needs: the other target alone decides.
    return { killed: !mutant.equivalent, by: [], inconclusive: 0, na: true };
  return verdict(
    await runContract(
      mswTarget({ mock: mockOptions(mutant, SPEC_QUOTA), requestsPerSecond: SPEC_QUOTA, ...handlersOf(mutant) }),
    ),
  );
}

async function overHttp(mutant: Mutant | undefined): Promise<Verdict> {
  // A wire lie is told by a proxy between the kit and an otherwise unmutated server; a quota per
  // source address by a proxy sending each address to its own server (with its own quota).
  const lies = mutant?.wire;
  const options = { port: 0, ...mockOptions(mutant, HTTP_QUOTA), ...(lies ? {} : handlersOf(mutant)) };
  const server = await createMockServer(options);
  const second = mutant?.quotaPerSourceAddress ? await createMockServer(options) : undefined;
  const proxy = second
    ? await wireProxy((source) => (source === '127.0.0.1' ? server.url : second.url))
    : lies
      ? await wireProxy(server.url, lies)
      : undefined;
  try {
    return verdict(await runContract(baseUrlTarget(proxy?.url ?? server.url, { requestsPerSecond: HTTP_QUOTA })));
  } finally {
    await proxy?.close();
    await second?.close();
    await server.close();
  }
}

async function pool<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

// `-- --only id,id`: judge those mutants alone (while writing one); the score then gates nothing else.
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((process.argv[onlyAt + 1] ?? '').split(',')) : undefined;
const chosen = only ? mutants.filter((m) => only.has(m.id)) : mutants;
if (only && chosen.length !== only.size) {
  console.log(`✖ --only: no mutant ${[...only].filter((id) => !mutants.some((m) => m.id === id)).join(', ')}`);
  process.exit(2);
}

const judge = async (mutant: Mutant) => {
  const [msw, http] = await Promise.all([inProcess(mutant), overHttp(mutant)]);
  return { mutant, msw, http };
};
type Judged = Awaited<ReturnType<typeof judge>>;

// `--worker i/n`: judge every n-th mutant from the i-th and print the verdicts as one JSON line.
// The kit, the in-process mocks and the mock servers of one process share one core: the suite
// splits the mutants over a process per core.
const workerAt = process.argv.indexOf('--worker');
if (workerAt >= 0) {
  const [i, n] = (process.argv[workerAt + 1] ?? '0/1').split('/').map(Number) as [number, number];
  const mine = chosen.filter((_, index) => index % n === i);
  // The over-HTTP runs wait on the real clock (paced under the quota) as much as on the CPU: many at once.
  const judged = await pool(mine, 12, judge);
  const brief = (v: Verdict): Verdict => ({ ...v, by: v.by.slice(0, 3) });
  const line = `VERDICTS ${JSON.stringify(judged.map((r) => ({ id: r.mutant.id, msw: brief(r.msw), http: brief(r.http) })))}\n`;
  // Exit once the line is out: a pipe is written asynchronously.
  process.stdout.write(line, () => process.exit(0));
  await new Promise(() => undefined);
}

function worker(i: number, n: number): Promise<Judged[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), '--worker', `${i}/${n}`, ...(only ? ['--only', [...only].join(',')] : [])],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('VERDICTS '));
      if (code !== 0 || !line) {
        reject(new Error(`mutation worker ${i}/${n} exited ${code}:\n${out.slice(-2000)}`));
        return;
      }
      const byId = new Map(mutants.map((m) => [m.id, m]));
      const verdicts = JSON.parse(line.slice('VERDICTS '.length)) as { id: string; msw: Verdict; http: Verdict }[];
      resolve(verdicts.map((v) => ({ mutant: byId.get(v.id) as Mutant, msw: v.msw, http: v.http })));
    });
  });
}

const started = performance.now();
// The unmutated mock is judged while the workers judge the mutants: its verdict decides whether theirs count.
const workers = Math.max(1, Math.min(availableParallelism(), chosen.length, 4));
const judging = Promise.all(Array.from({ length: workers }, (_, i) => worker(i, workers)));
judging.catch(() => undefined);
const baseline = await Promise.all([inProcess(undefined), overHttp(undefined)]);
if (baseline.some((v) => v.killed)) {
  console.log('✖ the unmutated mock is not green, so no mutant can be judged:');
  for (const line of baseline.flatMap((v) => v.by).slice(0, 10)) console.log(`    ${line}`);
  process.exit(1);
}
console.log('✔ the unmutated mock is green on both targets (msw in-process, mock server over HTTP)\n');

const order = new Map(chosen.map((m, i) => [m.id, i]));
const results = (await judging).flat().sort((a, b) => (order.get(a.mutant.id) ?? 0) - (order.get(b.mutant.id) ?? 0));
// A survivor whose run had a case the kit could not judge in time (the pool loads the machine) is
// judged again on its own: the kit said "I cannot tell", not "this server is right".
const unjudged = results.flatMap((r, i) =>
  (!r.msw.killed && r.msw.inconclusive > 0) || (!r.http.killed && r.http.inconclusive > 0) ? [i] : [],
);
for (const index of unjudged) results[index] = await judge((results[index] as (typeof results)[number]).mutant);
if (unjudged.length > 0)
  console.log(`(${unjudged.length} mutant(s) judged again on their own: a case was inconclusive under load)\n`);

let killed = 0;
let survivors = 0;
let falseReds = 0;
const pad = Math.max(...chosen.map((m) => m.id.length));
for (const { mutant, msw, http } of results) {
  const both = msw.killed && http.killed;
  const mark = (v: Verdict) => (v.na ? 'n/a     ' : v.killed ? 'killed  ' : 'survived');
  if (mutant.equivalent) {
    const ok = !msw.killed && !http.killed;
    if (!ok) falseReds++;
    console.log(
      `${ok ? '≡' : '✖'} ${mutant.id.padEnd(pad)}  msw ${mark(msw)}  http ${mark(http)}  equivalent: ${mutant.equivalent}`,
    );
    if (!ok) for (const line of [...msw.by, ...http.by].slice(0, 3)) console.log(`      red on: ${line}`);
    continue;
  }
  if (both) killed++;
  else survivors++;
  console.log(
    `${both ? '✔' : '✖'} ${mutant.id.padEnd(pad)}  msw ${mark(msw)}  http ${mark(http)}  ${mutant.description}`,
  );
  const by = msw.by[0] ?? http.by[0];
  if (both && by) console.log(`      e.g. ${by}`);
}

const scored = chosen.filter((m) => !m.equivalent).length;
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\nMutation score: ${killed}/${scored} non-equivalent mutants killed on both targets (${((100 * killed) / scored).toFixed(1)}%); ` +
    `${chosen.length - scored} equivalent (${falseReds} wrongly red); ${seconds}s`,
);
process.exitCode = survivors === 0 && falseReds === 0 ? 0 : 1;
