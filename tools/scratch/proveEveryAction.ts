/**
 * `npm run test:every-action` (in CI): proof that every action in specs/ is first-class. In a
 * scratch copy of the workspace, the job-family fixture (ListTask, QueryJob) joins the product's
 * api.yaml — a data edit, as a user adding actions makes — and then, with no other edit:
 * generate, build and type-check every package; call every action through the client against
 * the mock server and render one hook per read action (everyAction.proof.tsx); and run the
 * contract kit green on both targets, with cases for every action.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BUILD_ORDER, createScratchWorkspace, type ScratchWorkspace } from './scratchWorkspace.ts';

/**
 * The fixture families' documents: the job family (a token-paged list, a JSON-text alternative)
 * and the wire shapes (a list, a list of objects, page-number paging, writes, no required
 * parameter, quotas other than 5/s).
 */
const FAMILY = [
  '../fixtures/job-family/ListTask.yaml',
  '../fixtures/job-family/QueryJob.yaml',
  '../fixtures/wire-shapes/BatchQueryDeviceDetail.yaml',
  '../fixtures/wire-shapes/BatchUpdateDeviceNickname.yaml',
  '../fixtures/wire-shapes/QueryDevice.yaml',
  '../fixtures/wire-shapes/CreateJob.yaml',
];
const ACTIONS = ['QueryTask', ...FAMILY.map((f) => path.basename(f, '.yaml'))];
const resolveBin = (specifier: string) => createRequire(import.meta.url).resolve(specifier);

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`✔ ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

function expectLine(output: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(output);
  if (!match) throw new Error(`${what}: expected ${pattern} in the output:\n${output.slice(-4000)}`);
  return match;
}

async function contractRun(ws: ScratchWorkspace, args: string[]): Promise<string> {
  const output = await ws.exec(ws.node, ['packages/contract/bin/iot-task-contract.js', ...args], {
    timeoutMs: 600_000,
  });
  expectLine(output, /^[1-9]\d* passed, 0 failed, 0 skipped in /m, `iot-task-contract ${args.join(' ')}`);
  const actions = new Set([...output.matchAll(/^✔ (\w+)\//gm)].map((m) => m[1]));
  for (const action of ACTIONS) {
    if (!actions.has(action)) throw new Error(`iot-task-contract ${args.join(' ')}: no case of ${action} ran`);
  }
  for (const paged of ['ListTask', 'QueryDevice'])
    if (!new RegExp(`^✔ ${paged}/paging$`, 'm').test(output))
      throw new Error(`the paged action ${paged} had no paging case`);
  return output;
}

const started = performance.now();
const ws = await step('a scratch copy of the workspace', () => createScratchWorkspace('iot-task-every-action-'));
try {
  await step(`the fixture families join the product's api.yaml (${FAMILY.length} documents)`, async () => {
    const manifest = path.join(ws.root, 'specs', 'iot-2018-01-20', 'api.yaml');
    await appendFile(manifest, FAMILY.map((f) => `  - ${f}\n`).join(''));
    if (!(await readFile(manifest, 'utf8')).includes('ListTask.yaml')) throw new Error('api.yaml was not extended');
  });
  await step('npm run generate', async () => {
    const out = await ws.exec(ws.node, ['tools/codegen/generate.ts']);
    expectLine(out, new RegExp(`^generate: ${ACTIONS.join(', ')} → `, 'm'), 'generate');
  });
  await step('generate:check is clean afterwards', () => ws.exec(ws.node, ['tools/codegen/generate.ts', '--check']));
  const tsdown = resolveBin('tsdown/run');
  await step(`build ${BUILD_ORDER.length} packages (tsdown)`, async () => {
    for (const dir of BUILD_ORDER) await ws.exec(ws.node, [tsdown], { cwd: dir });
  });
  const tsc = resolveBin('typescript/bin/tsc');
  await step(`type-check ${BUILD_ORDER.length} packages and the tools (tsc)`, async () => {
    const dirs = [...BUILD_ORDER, 'tools', 'examples/react-task-watch', 'examples/node-query-task'];
    // Two at a time: this machine has two cores.
    for (let i = 0; i < dirs.length; i += 2) {
      await Promise.all(
        dirs.slice(i, i + 2).map((dir) => ws.exec(ws.node, [tsc, '-p', 'tsconfig.json'], { cwd: dir })),
      );
    }
  });
  await step('every action through the client, the mock server and a React hook (everyAction.proof.tsx)', async () => {
    const vitest = path.join(path.dirname(resolveBin('vitest/package.json')), 'vitest.mjs');
    const out = await ws.exec(ws.node, [vitest, 'run', '--config', 'scratch/vitest.proof.config.ts'], {
      cwd: 'tools',
      timeoutMs: 300_000,
      env: { NO_COLOR: '1', FORCE_COLOR: '0' },
    });
    const [, passed] = expectLine(out, /Tests\s+(\d+) passed/, 'the proof');
    console.log(`  ${passed} proof tests passed`);
  });
  await step('the contract kit against the in-process mock (--msw)', async () => {
    const out = await contractRun(ws, ['--msw']);
    console.log(`  ${expectLine(out, /\d+ passed, 0 failed, 0 skipped in [\d.]+s/, 'msw')[0]}`);
  });
  await step('the contract kit against the mock server over HTTP (--base-url, quota 50)', async () => {
    const { spawn } = await import('node:child_process');
    const server = spawn(ws.node, ['packages/mock-server/bin/iot-task-mock.js', '--port', '0', '--quota', '50'], {
      cwd: ws.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(() => reject(new Error(`the mock server did not start:\n${seen}`)), 30_000);
        server.stdout.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /https?:\/\/127\.0\.0\.1:\d+/.exec(seen);
          if (match) {
            clearTimeout(timer);
            resolve(match[0]);
          }
        });
        server.on('exit', (code) => reject(new Error(`the mock server exited (${code}):\n${seen}`)));
      });
      const out = await contractRun(ws, ['--base-url', url, '--quota', '50']);
      console.log(`  ${expectLine(out, /\d+ passed, 0 failed, 0 skipped in [\d.]+s/, 'base-url')[0]}`);
    } finally {
      server.kill('SIGTERM');
    }
  });
  console.log(`every action is first-class: proven in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await ws.dispose();
}
