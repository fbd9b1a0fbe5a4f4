/**
 * `npm run bench`: measures side by side in one run and rewrites the generated section of
 * BENCHMARKS.md. Options: --calls N (per round, default 1000), --rounds N (default 5),
 * --no-instructions (skip callgrind), --no-write (print only).
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles } from './bundleSize.ts';
import { FLOOR } from './candidates.ts';
import { measureCpuPerCall } from './cpuPerCall.ts';
import { type InstructionResult, measureInstructionsPerCall, valgrindAvailable } from './instructionsPerCall.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    'no-instructions': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const file = path.resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const START = '<!-- bench:client:start -->';
const END = '<!-- bench:client:end -->';

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
  [
    'ours + nodeCryptoProvider V3 / official V3',
    '@iot-task/client + nodeCryptoProvider, V3',
    '@alicloud/iot20180120, V3',
    '≤ 0.5×',
  ],
  [
    'ours + nodeCryptoProvider V1 / official V1',
    '@iot-task/client + nodeCryptoProvider, V1',
    '@alicloud/iot20180120, V1',
    '≤ 0.5×',
  ],
  ['ours V3 / bare fetch', '@iot-task/client, V3', FLOOR, '≤ 1.5×'],
  ['ours V1 / bare fetch', '@iot-task/client, V1', FLOOR, '≤ 1.5×'],
];

const table = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}. CPU time: ${rounds} rounds × ${calls} sequential calls per candidate, median round. Instructions: callgrind, marginal cost of one warm call (150 − 50 calls)${instructions.length ? '' : ' — not measured (valgrind missing or --no-instructions)'}.`,
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
  '| app importing only queryTask (esbuild, minified, split) | platform | initial, minified | initial, gzip | lazy chunks, gzip |',
  '| --- | --- | ---: | ---: | ---: |',
  ...bundles.map(
    (b) =>
      `| ${b.name}${b.note ? ` (${b.note})` : ''} | ${b.platform} | ${(b.minifiedBytes / 1024).toFixed(1)} KB | ${(b.gzipBytes / 1024).toFixed(1)} KB | ${(b.lazyGzipBytes / 1024).toFixed(1)} KB |`,
  ),
].join('\n');

console.log(table);
if (!values['no-write']) {
  const current = await readFile(file, 'utf8');
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file} lacks the ${START} … ${END} markers`);
  await writeFile(file, `${current.slice(0, start + START.length)}\n${table}\n${current.slice(end)}`);
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}
