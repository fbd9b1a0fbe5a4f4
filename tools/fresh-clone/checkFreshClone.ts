/**
 * `npm run check:fresh-clone`: the README's two commands on a fresh clone, as a new user runs
 * them. Clones the committed HEAD into an empty folder, and there runs `npm ci` (with an empty npm
 * cache), `npm start` and `npm test`, with no Chromium anywhere the tests could find one: `CHROMIUM_PATH`
 * pointing at a file that does not exist and every PATH folder holding a `chromium` left out. The browser tests must then use the
 * Chromium that `npm ci` installed from the npm registry (decisions/browser-for-tests.md).
 *
 * Every step is bounded; the check prints each step's time and, on failure, the tail of its log.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'chrome'];

/** PATH without any folder that holds a Chromium, and without the repository's own bins. */
function pathWithoutChromium(): string {
  return (process.env.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '' && !BROWSERS.some((name) => existsSync(path.join(dir, name))))
    .filter((dir) => !dir.startsWith(repoRoot))
    .join(':');
}

function step(label: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  const started = performance.now();
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${label}: could not start (${error.message})`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (code === 0) {
        console.log(`✔ ${label} (${seconds}s)`);
        resolve();
      } else {
        const why = signal === 'SIGKILL' ? `still running after ${timeoutMs / 1000}s, killed` : `exit ${code}`;
        console.log(`✖ ${label} (${seconds}s): ${why}; its output ended:\n${log.split('\n').slice(-40).join('\n')}`);
        reject(new Error(`${label} failed`));
      }
    });
  });
}

const work = await mkdtemp(path.join(os.tmpdir(), 'iot-task-fresh-clone-'));
const clone = path.join(work, 'iot-task');
const { CHROMIUM_PATH: _unset, ...inherited } = process.env;
// Only what a new shell has: no npm_* variables of this run, no Chromium, empty npm and nx caches.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(inherited).filter(([name]) => !name.startsWith('npm_') && !name.startsWith('NX_')),
);
env.PATH = pathWithoutChromium();
// The issue's own simulation of a machine without Chromium: the setting names a browser that is not there.
env.CHROMIUM_PATH = path.join(work, 'no-chromium-here', 'chromium');
env.npm_config_cache = path.join(work, 'npm-cache');
// nx shares its cache between checkouts of one repository (~/.nx/<workspace>/cache): a fresh
// clone would replay this checkout's results. A new machine has none, so neither does the clone.
env.NX_CACHE_DIRECTORY = path.join(work, 'nx-cache');
env.NX_WORKSPACE_DATA_DIRECTORY = path.join(work, 'nx-workspace-data');
try {
  console.log(`Fresh clone of HEAD in ${clone}`);
  console.log(
    `No Chromium: CHROMIUM_PATH points nowhere (${env.CHROMIUM_PATH}); PATH has ${BROWSERS.filter((b) => env.PATH?.split(':').some((d) => existsSync(path.join(d, b)))).length} browser(s); /usr/bin/chromium ${existsSync('/usr/bin/chromium') ? 'exists but is never looked at' : 'absent'}`,
  );
  await step('git clone', 'git', ['clone', '--quiet', '--no-local', repoRoot, clone], work, env, 120_000);
  await step('npm ci (empty npm cache)', 'npm', ['ci', '--no-audit', '--no-fund'], clone, env, 600_000);
  await step('npm start (the quick start)', 'npm', ['start'], clone, env, 300_000);
  await step('npm test', 'npm', ['test'], clone, env, 1_200_000);
  const cache = path.join(clone, 'node_modules', '.cache', 'iot-task-chromium');
  const unpacked = existsSync(cache) ? await readdir(cache) : [];
  if (unpacked.length === 0) throw new Error('the browser tests did not use the npm-registry Chromium');
  console.log(`✔ the browser tests ran the Chromium npm ci installed (@sparticuz/chromium ${unpacked.join(', ')})`);
  console.log('check:fresh-clone: the README’s two commands pass on a fresh clone with no Chromium installed');
} catch (error) {
  console.error(`check:fresh-clone: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
