/**
 * `npm run bench`: measures side by side in one run and rewrites the generated section of
 * BENCHMARKS.md. Options: --calls N (per round, default 1000), --rounds N (default 5),
 * --no-instructions (skip callgrind), --only client|mock-server, --no-write (print only).
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles } from './bundleSize.ts';
import { FLOOR } from './candidates.ts';
import { measureCpuPerCall } from './cpuPerCall.ts';
import { type InstructionResult, measureInstructionsPerCall, valgrindAvailable } from './instructionsPerCall.ts';
import { measureMockServerLoad } from './mockServerLoad.ts';
import { measureResponseCheckCost } from './responseCheckCost.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    'no-instructions': { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const file = path.resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const sections: Record<string, () => Promise<string>> = {
  client: clientSection,
  'response-check': responseCheckSection,
  'mock-server': mockServerSection,
};

async function clientSection(): Promise<string> {
  const cpu = await measureCpuPerCall({ calls, rounds });
  const instructions: InstructionResult[] =
    !values['no-instructions'] && (await valgrindAvailable()) ? await measureInstructionsPerCall() : [];
  const bundles = await measureBundles();

  const cpuOf = (name: string) => cpu.find((r) => r.name.startsWith(name))?.cpuMicrosPerCall ?? Number.NaN;
  const irOf = (name: string) => instructions.find((r) => r.name.startsWith(name))?.instructionsPerCall ?? Number.NaN;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
  const comparisons: [string, string, string, string][] = [
    ['ours V3 / official V3', '@iot-task/client, V3', '@alicloud/iot20180120, V3', '≤ 0.5×'],
    ['ours V1 / official V1', '@iot-task/client, V1', '@alicloud/iot20180120, V1', '≤ 0.5×'],
    ['ours V3 / bare fetch', '@iot-task/client, V3', FLOOR, '≤ 1.5×'],
    ['ours V1 / bare fetch', '@iot-task/client, V1', FLOOR, '≤ 1.5×'],
  ];

  const table = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}. CPU time: ${rounds} rounds × ${calls} sequential calls per candidate, median round. Instructions: callgrind, marginal cost of one warm call (300 − 100 calls)${instructions.length ? '' : ' — not measured (valgrind missing or --no-instructions)'}.`,
    '',
    '| candidate | CPU µs / call | wall µs / call | instructions / call |',
    '| --- | ---: | ---: | ---: |',
    ...cpu.map(
      (r) =>
        `| ${r.name} | ${r.cpuMicrosPerCall.toFixed(0)} | ${r.wallMicrosPerCall.toFixed(0)} | ${Number.isFinite(irOf(r.name)) ? `${(irOf(r.name) / 1e6).toFixed(2)} M` : 'n/a'} |`,
    ),
    '',
    '| ratio | CPU time | instructions | target |',
    '| --- | ---: | ---: | ---: |',
    ...comparisons.map(
      ([label, a, b, target]) => `| ${label} | ${ratio(cpuOf(a), cpuOf(b))} | ${ratio(irOf(a), irOf(b))} | ${target} |`,
    ),
    '',
    '| app (esbuild, minified, split) | platform | initial, minified | initial, gzip | lazy chunks, gzip |',
    '| --- | --- | ---: | ---: | ---: |',
    ...bundles.map(
      (b) =>
        `| ${b.name}${b.note ? ` (${b.note})` : ''} | ${b.platform} | ${(b.minifiedBytes / 1024).toFixed(1)} KB | ${(b.gzipBytes / 1024).toFixed(1)} KB | ${(b.lazyGzipBytes / 1024).toFixed(1)} KB |`,
    ),
  ].join('\n');
  return table;
}

async function responseCheckSection(): Promise<string> {
  const cost = await measureResponseCheckCost();
  const extra = cost.onMicros - cost.offMicros;
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}: ${cost.rounds} interleaved rounds × ${cost.calls.toLocaleString('en')} queryTask calls answered in-process (no socket), median round.`,
    '',
    '| client | CPU µs / call |',
    '| --- | ---: |',
    `| responseValidation: 'off' | ${cost.offMicros.toFixed(1)} |`,
    `| responseValidation: 'error' (the default) | ${cost.onMicros.toFixed(1)} |`,
    `| the check itself | ${extra.toFixed(1)} (${((100 * extra) / cost.offMicros).toFixed(1)}% of an in-process call) |`,
  ].join('\n');
}

async function mockServerSection(): Promise<string> {
  const load = await measureMockServerLoad();
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}: ${load.requests.toLocaleString('en')} QueryTask calls, ${load.concurrency} in flight, V3-signed by @iot-task/client in one process, verified by the mock server (\`iot-task-mock --no-quota\`) in another; ${load.errors} errors.`,
    '',
    `Sustained throughput: **${load.requestsPerSecond.toFixed(0)} requests/s** (client and server share the 2 cores).`,
    '',
    '| after requests | server RSS | server heap used | nonces held |',
    '| ---: | ---: | ---: | ---: |',
    ...load.checkpoints.map(
      (c) =>
        `| ${c.requests.toLocaleString('en')} | ${c.rssMB.toFixed(1)} MB | ${c.heapUsedMB.toFixed(1)} MB | ${c.nonces.toLocaleString('en')} |`,
    ),
  ].join('\n');
}

for (const [name, measure] of Object.entries(sections)) {
  if (values.only && values.only !== name) continue;
  const table = await measure();
  console.log(`\n## ${name}\n${table}`);
  if (values['no-write']) continue;
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const current = await readFile(file, 'utf8');
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} lacks the ${start} … ${end} markers`);
  await writeFile(file, `${current.slice(0, from + start.length)}\n${table}\n${current.slice(to)}`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}
