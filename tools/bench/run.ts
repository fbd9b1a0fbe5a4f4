/**
 * `npm run bench`: measures side by side in one run and rewrites the generated sections of
 * BENCHMARKS.md. Options: --calls N (per CPU round, default 1000), --rounds N (default 7),
 * --instruction-runs N (callgrind runs per candidate, default 2), --no-instructions (skip
 * callgrind), --only client|bundles|response-check|mock-server|mock-server-stress|generate|quota, --no-write
 * (print only).
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles } from './bundleSize.ts';
import { FLOOR_NODE_HTTP, OFFICIAL_V1, OFFICIAL_V3, OURS_V1, OURS_V3 } from './candidates.ts';
import { measureCpuPerCall } from './cpuPerCall.ts';
import { measureGenerateScale } from './generateScale.ts';
import { type InstructionResult, measureInstructionsPerCall, valgrindAvailable } from './instructionsPerCall.ts';
import { measureMockServerLoad } from './mockServerLoad.ts';
import { measureMockServerStress } from './mockServerStress.ts';
import { measureResponseCheckCost } from './responseCheckCost.ts';
import { measureSharedQuota } from './sharedQuota.ts';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    'instruction-runs': { type: 'string', default: '2' },
    'no-instructions': { type: 'boolean', default: false },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const file = path.resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const machine = () =>
  `${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
const verdict = (value: number, target: number) =>
  Number.isFinite(value) ? (value <= target ? 'met' : 'not met') : 'n/a';

const sections: Record<string, () => Promise<string>> = {
  client: clientSection,
  bundles: bundlesSection,
  'response-check': responseCheckSection,
  'mock-server': mockServerSection,
  'mock-server-stress': mockServerStressSection,
  generate: generateSection,
  quota: quotaSection,
};

async function clientSection(): Promise<string> {
  const instructions: InstructionResult[] =
    !values['no-instructions'] && (await valgrindAvailable())
      ? await measureInstructionsPerCall({ runs: Number(values['instruction-runs']) })
      : [];
  const cpu = await measureCpuPerCall({ calls, rounds });
  const cpuOf = (name: string) => cpu.find((r) => r.name === name)?.cpuMicrosPerCall ?? Number.NaN;
  const irOf = (name: string) => instructions.find((r) => r.name === name)?.instructionsPerCall ?? Number.NaN;
  const spread = (values: number[]) => {
    const [min, max] = [Math.min(...values), Math.max(...values)];
    return `${(((max - min) / ((max + min) / 2)) * 100).toFixed(1)}%`;
  };
  const comparisons: [string, string, string, number, number][] = [
    ['ours V3 / official V3', OURS_V3, OFFICIAL_V3, 0.6, 0.9],
    ['ours V1 / official V1', OURS_V1, OFFICIAL_V1, 0.6, 0.9],
  ];
  return [
    `Measured ${machine()}. Instructions: callgrind, ${instructions[0]?.runs.length ?? 0} runs per candidate, each counting 3,000 calls after 1,500 uncounted ones (median run; spread = (max − min) / mean)${instructions.length ? '' : ' — not measured (valgrind missing or --no-instructions)'}. CPU time: ${rounds} interleaved rounds × ${calls} sequential calls per candidate in one process, after 200 warm-up calls each (median round; spread over rounds).`,
    '',
    '| candidate | instructions / call | spread | CPU µs / call | spread | wall µs / call |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...cpu.map((r) => {
      const ir = instructions.find((i) => i.name === r.name);
      return `| ${r.name} | ${ir ? `${(ir.instructionsPerCall / 1000).toFixed(0)} k` : 'n/a'} | ${ir ? spread(ir.runs) : ''} | ${r.cpuMicrosPerCall.toFixed(0)} | ${spread(r.cpuRounds)} | ${r.wallMicrosPerCall.toFixed(0)} |`;
    }),
    '',
    '| ratio | instructions | target | CPU time | target |',
    '| --- | ---: | --- | ---: | --- |',
    ...comparisons.map(([label, a, b, irTarget, cpuTarget]) => {
      const [ir, time] = [irOf(a) / irOf(b), cpuOf(a) / cpuOf(b)];
      return `| ${label} | ${ratio(irOf(a), irOf(b))} | ≤ ${irTarget}×: ${verdict(ir, irTarget)} | ${ratio(cpuOf(a), cpuOf(b))} | ≤ ${cpuTarget}×: ${verdict(time, cpuTarget)} |`;
    }),
    `| ours V3 / ${FLOOR_NODE_HTTP} | ${ratio(irOf(OURS_V3), irOf(FLOOR_NODE_HTTP))} | | ${ratio(cpuOf(OURS_V3), cpuOf(FLOOR_NODE_HTTP))} | |`,
  ].join('\n');
}

async function bundlesSection(): Promise<string> {
  const bundles = await measureBundles();
  const [proxied] = await measureBundles(['@iot-task/client'], { fromSources: true });
  return [
    `Measured ${machine()}.`,
    '',
    '| app (esbuild, minified, split) | platform | up front, minified | up front, gzip | lazy chunks, gzip |',
    '| --- | --- | ---: | ---: | ---: |',
    ...bundles.map(
      (b) =>
        `| ${b.name}${b.note ? ` (${b.note})` : ''} | ${b.platform} | ${kb(b.minifiedBytes)} | ${kb(b.gzipBytes)} | ${kb(b.lazyGzipBytes)} |`,
    ),
    '',
    `What the proxied queryTask-only app loads up front, by source module (minified bytes; bundled from the sources, ${kb(proxied?.gzipBytes ?? 0)} gzip):`,
    '',
    '| module | minified |',
    '| --- | ---: |',
    ...(proxied?.modules ?? []).map((m) => `| ${m.module} | ${m.bytes.toLocaleString('en')} B |`),
  ].join('\n');
}

async function responseCheckSection(): Promise<string> {
  const cost = await measureResponseCheckCost();
  const extra = cost.onMicros - cost.offMicros;
  return [
    `Measured ${machine()}: ${cost.rounds} interleaved rounds × ${cost.calls.toLocaleString('en')} queryTask calls answered in-process (no socket), median round.`,
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
    `Measured ${machine()}: ${load.requests.toLocaleString('en')} pre-signed QueryTask requests (RPC HMAC-SHA1, GET, each with its own nonce) sent by autocannon from its own process, ${load.connections} connections, to \`iot-task-mock --no-quota\` (signatures verified) in another; ${load.non2xx} answers other than 200, ${load.errors} socket errors.`,
    '',
    `Sustained throughput: **${load.requestsPerSecond.toFixed(0)} verified requests/s** (target ≥ 3,000: ${load.requestsPerSecond >= 3000 ? 'met' : 'not met'}); latency p50 ${load.latencyP50Ms} ms, p99 ${load.latencyP99Ms} ms. The load generator and the server share the 2 cores.`,
    '',
    '| at second | server RSS | server heap retained | nonces held |',
    '| ---: | ---: | ---: | ---: |',
    ...load.samples.map(
      (s) =>
        `| ${s.atSecond.toFixed(0)} | ${s.rssMB.toFixed(1)} MB | ${s.heapUsedMB.toFixed(1)} MB | ${s.nonces.toLocaleString('en')} |`,
    ),
  ].join('\n');
}

async function mockServerStressSection(): Promise<string> {
  const started = performance.now();
  const load = os.loadavg()[0] ?? 0;
  const { soak, slowloris, concurrent } = await measureMockServerStress();
  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a');
  const bound = soak.samples.find((s) => s.nonces >= 100_000);
  const last = soak.samples.at(-1);
  const after =
    bound && last
      ? `${(last.rssMB - bound.rssMB).toFixed(1)} MB RSS, ${(last.heapUsedMB - bound.heapUsedMB).toFixed(1)} MB heap`
      : 'n/a';
  return [
    `Measured ${machine()}, load average ${load.toFixed(2)} when it began (other work on the machine shares the cores); ${((performance.now() - started) / 1000).toFixed(0)} s in all. Each part runs against a fresh \`iot-task-mock --no-quota\` (signatures verified) in its own process.`,
    '',
    `**Soak**: ${soak.requests.toLocaleString('en')} pre-signed QueryTask requests (each with its own nonce) from autocannon in another process, ${soak.connections} connections: ${soak.requestsPerSecond.toFixed(0)} requests/s, p50 ${ms(soak.latencyP50Ms)}, p99 ${ms(soak.latencyP99Ms)}, max ${ms(soak.latencyMaxMs)}; ${soak.non2xx} answers other than 200, ${soak.errors} socket errors or timeouts. From the sample where the nonce cache reached its bound (100,000) to the last: ${after}.`,
    '',
    '| at second | server RSS | server heap retained | nonces held |',
    '| ---: | ---: | ---: | ---: |',
    ...soak.samples
      .filter((_, i, all) => i % 2 === 0 || i === all.length - 1)
      .map(
        (s) =>
          `| ${s.atSecond.toFixed(0)} | ${s.rssMB.toFixed(1)} MB | ${s.heapUsedMB.toFixed(1)} MB | ${s.nonces.toLocaleString('en')} |`,
      ),
    '',
    `**Slowloris**: ${slowloris.connections.toLocaleString('en')} connections each sending a request head one byte every ${slowloris.byteEveryMs} ms, never finishing it; meanwhile, for ${slowloris.seconds} s, a probe made ${slowloris.probes.toLocaleString('en')} signed QueryTask requests one after another, each on a new connection: ${slowloris.probeFailures} failed, p50 ${ms(slowloris.probeP50Ms)}, p99 ${ms(slowloris.probeP99Ms)}, max ${ms(slowloris.probeMaxMs)}. Within 20 s the server ended ${slowloris.closedByServer.toLocaleString('en')} of the slow connections (median ${Number.isFinite(slowloris.closedAfterSecondsMedian) ? `${slowloris.closedAfterSecondsMedian.toFixed(1)} s` : 'n/a'} after they opened), answering ${slowloris.answered}.`,
    '',
    `**Concurrent connections**: autocannon with ${concurrent.connections.toLocaleString('en')} connections open at once, ${concurrent.requests.toLocaleString('en')} pre-signed requests: ${concurrent.requestsPerSecond.toFixed(0)} requests/s, p50 ${ms(concurrent.latencyP50Ms)}, p99 ${ms(concurrent.latencyP99Ms)}, max ${ms(concurrent.latencyMaxMs)}; ${concurrent.non2xx} answers other than 200, ${concurrent.errors} socket errors or timeouts (autocannon gives up on a request after 10 s).`,
  ].join('\n');
}

async function quotaSection(): Promise<string> {
  const cells = await measureSharedQuota();
  const label = { shared: 'shared (Redis)', local: 'per process (default)', 'local-strict': 'per process, strict' };
  const one = (mode: string, rtt: number) =>
    cells.find((c) => c.processes === 1 && c.mode === mode && c.roundTripMs === rtt)?.acceptedPerSecond ?? Number.NaN;
  return [
    `Measured ${machine()}: each cell runs its processes for 15 s, 10 calls in flight each, every default client option; the mock server counts the quota strictly (5 in any sliding second, per account and API; two RAM users of one account); a proxy delays each direction by half the round trip. Rate: accepted arrivals per second from 3 s after the first to the end, between two arrivals a multiple of 5 apart.`,
    '',
    '| processes | round trip | quota | accepted / s at the server | busiest second | throttled | attempts | failed calls |',
    '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...cells.map(
      (c) =>
        `| ${c.processes} | ${c.roundTripMs} ms | ${label[c.mode]} | ${c.acceptedPerSecond.toFixed(2)} | ${c.busiestSecond} | ${c.throttled} | ${c.attempts} | ${c.failedCalls} |`,
    ),
    '',
    `One process, sustained: ${[0, 50, 200].map((rtt) => `${rtt} ms: ${one('local', rtt).toFixed(2)}/s (strict ${one('local-strict', rtt).toFixed(2)}/s, ${ratio(one('local', rtt), one('local-strict', rtt))})`).join('; ')}. Targets: ≥ 4.75/s at 50 ms (${one('local', 50) >= 4.75 ? 'met' : 'not met'}), ≥ 4.5/s at 200 ms (${one('local', 200) >= 4.5 ? 'met' : 'not met'}).`,
  ].join('\n');
}

async function generateSection(): Promise<string> {
  const results = await measureGenerateScale([1, 10, 50]);
  const [first, last] = [results[0], results.at(-1)];
  const perAction = first && last ? (last.seconds - first.seconds) / (last.actions - first.actions) : Number.NaN;
  return [
    `Measured ${machine()}: \`npm run generate\` in a scratch copy whose spec has QueryTask and synthetic copies of it, wall clock.`,
    '',
    '| actions | seconds |',
    '| ---: | ---: |',
    ...results.map((r) => `| ${r.actions} | ${r.seconds.toFixed(2)} |`),
    '',
    `About ${(perAction * 1000).toFixed(0)} ms per action on top of ${first?.seconds.toFixed(2)} s (target: under 5 s at 50 actions: ${last && last.seconds < 5 ? 'met' : 'not met'}).`,
  ].join('\n');
}

for (const [name, measure] of Object.entries(sections)) {
  if (values.only && values.only !== name) continue;
  const table = await measure();
  const body = `${table}\n\nReproduce: \`npm run bench -- --only ${name}\``;
  console.log(`\n## ${name}\n${body}`);
  if (values['no-write']) continue;
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const current = await readFile(file, 'utf8');
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} lacks the ${start} … ${end} markers`);
  await writeFile(file, `${current.slice(0, from + start.length)}\n${body}\n${current.slice(to)}`);
  console.log(`written to ${path.relative(process.cwd(), file)}`);
}
