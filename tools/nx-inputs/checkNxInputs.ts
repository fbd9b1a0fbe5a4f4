/**
 * `npm run check:nx-inputs [project:target …]`: proves that every cached nx target declares what
 * it reads. Each target's script runs under `strace -f`; every workspace file it opened is looked
 * up in the target's resolved inputs (`nx show target inputs`). A file read but not an input would
 * let a cached green replay after a change that breaks the target, so any is reported and the
 * check fails.
 *
 * Not counted: third-party code under node_modules (pinned by package-lock.json, an input of
 * every target); the target's own outputs; `dist/` of a dependency when the target's inputs
 * include `^production` (dist is built from exactly those files); git's and nx's own state.
 */
import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const nx = path.join(root, 'node_modules', '.bin', 'nx');

interface TargetConfig {
  executor?: string;
  options?: { script?: string };
  cache?: boolean;
  inputs?: unknown[];
  outputs?: string[];
}

async function nxJson<T>(args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [nx, ...args, '--json'], { cwd: root, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as T;
}

/** Every cached target that runs a package script. */
async function cachedTargets(): Promise<{ project: string; target: string; root: string; config: TargetConfig }[]> {
  const projects = await nxJson<string[]>(['show', 'projects']);
  const all = [];
  for (const project of projects) {
    const shown = await nxJson<{ root: string; targets: Record<string, TargetConfig> }>(['show', 'project', project]);
    for (const [target, config] of Object.entries(shown.targets)) {
      if (config.cache && config.executor === 'nx:run-script') all.push({ project, target, root: shown.root, config });
    }
  }
  return all;
}

const IGNORED = [/(^|\/)node_modules\//, /^\.git\//, /^\.nx\//, /\.fixture-out\//, /\/e2e\/screenshots\//];

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * Workspace-relative paths of the regular files a traced run opened or looked at successfully.
 * With `-f`, a call can be split into `… <unfinished ...>` and `<... resumed>) = result` lines.
 */
async function filesRead(traceFile: string, cwd: string): Promise<Set<string>> {
  const trace = await readFile(traceFile, 'utf8');
  const read = new Set<string>();
  const pending = new Map<string, string>();
  const call = /^(\d+)\s+(?:openat|open|statx|newfstatat|access|faccessat2?)\((?:AT_FDCWD, |\d+, )?"([^"]+)"(.*)$/;
  const resumed = /^(\d+)\s+<\.\.\. \w+ resumed>(.*)$/;
  const keep = (file: string, result: string) => {
    if (!/= \d+/.test(result)) return;
    const absolute = path.resolve(cwd, file);
    const relative = path.relative(root, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative) || relative === '') return;
    if (IGNORED.some((re) => re.test(relative))) return;
    if (isFile(absolute)) read.add(relative);
  };
  for (const line of trace.split('\n')) {
    const started = call.exec(line);
    if (started) {
      const [, pid, file, rest] = started as unknown as [string, string, string, string];
      if (rest.includes('<unfinished ...>')) pending.set(pid, file);
      else keep(file, rest);
      continue;
    }
    const finished = resumed.exec(line);
    if (finished) {
      const [, pid, rest] = finished as unknown as [string, string, string];
      const file = pending.get(pid);
      pending.delete(pid);
      if (file !== undefined) keep(file, rest);
    }
  }
  return read;
}

/**
 * Runs a package script the way npm would (`sh -c`, the workspace's bins first on PATH) but
 * without npm, whose own reads (every workspace manifest) are not the target's.
 */
async function traced(projectRoot: string, script: string, traceFile: string, logFile: string): Promise<number | null> {
  const cwd = path.join(root, projectRoot);
  const manifest = JSON.parse(await readFile(path.join(cwd, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const command = manifest.scripts?.[script];
  if (!command) throw new Error(`${projectRoot}: no script ${script}`);
  const bins = [path.join(cwd, 'node_modules', '.bin'), path.join(root, 'node_modules', '.bin')];
  const log: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      'strace',
      [
        '-f',
        '-qq',
        '-e',
        'trace=openat,open,statx,newfstatat,access,faccessat,faccessat2',
        '-o',
        traceFile,
        'sh',
        '-c',
        command,
      ],
      { cwd, env: { ...process.env, PATH: [...bins, process.env.PATH].join(':') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (chunk) => log.push(String(chunk)));
    child.stderr.on('data', (chunk) => log.push(String(chunk)));
    child.once('error', reject);
    child.once('exit', resolve);
  });
  await writeFile(logFile, log.join(''));
  return code;
}

try {
  await run('strace', ['-V']);
} catch {
  console.error('check:nx-inputs: strace is not installed; install it (Debian: apt-get install strace) and run again');
  process.exit(2);
}
const wanted = process.argv.slice(2);
const targets = (await cachedTargets()).filter(
  (t) => wanted.length === 0 || wanted.includes(`${t.project}:${t.target}`),
);
if (targets.length === 0) {
  console.error(`check:nx-inputs: no cached target matches ${wanted.join(' ')}`);
  process.exit(2);
}
console.log('Building every package first (targets read their dependencies’ dist)…');
await run(process.execPath, [nx, 'run-many', '-t', 'build', '--outputStyle=static'], {
  cwd: root,
  maxBuffer: 64 << 20,
});

const scratch = await mkdtemp(path.join(os.tmpdir(), 'nx-inputs-'));
let failures = 0;
try {
  for (const { project, target, root: projectRoot, config } of targets) {
    const label = `${project}:${target}`;
    const traceFile = path.join(scratch, `${label.replace(/[^\w.-]+/g, '_')}.trace`);
    const started = performance.now();
    const logFile = `${traceFile}.log`;
    const code = await traced(projectRoot, config.options?.script ?? target, traceFile, logFile);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const inputs = new Set((await nxJson<{ files: string[] }>(['show', 'target', 'inputs', label])).files);
    const outputs = (config.outputs ?? []).map((o) =>
      o.replace('{projectRoot}', projectRoot).replace('{workspaceRoot}/', '').replace(/\/$/, ''),
    );
    const depDistAllowed = (config.inputs ?? []).some((i) => i === '^production' || i === '^default');
    const missing = [...(await filesRead(traceFile, path.join(root, projectRoot)))]
      .filter((file) => !inputs.has(file))
      .filter((file) => !outputs.some((o) => file === o || file.startsWith(`${o}/`)))
      .filter((file) => !(depDistAllowed && /(^|\/)dist\//.test(file) && !file.startsWith(`${projectRoot}/`)))
      .filter((file) => !file.startsWith(`${projectRoot}/dist/`))
      .sort();
    if (code !== 0) {
      failures++;
      console.log(
        `✖ ${label}: the script failed under strace (exit ${code}); its reads are not checked. Its output ended:`,
      );
      console.log((await readFile(logFile, 'utf8')).trim().split('\n').slice(-15).join('\n'));
    } else if (missing.length > 0) {
      failures++;
      console.log(`✖ ${label} (${seconds}s) reads ${missing.length} file(s) that are not among its inputs:`);
      for (const file of missing.slice(0, 30)) console.log(`    ${file}`);
      if (missing.length > 30) console.log(`    … and ${missing.length - 30} more`);
    } else {
      console.log(`✔ ${label} (${seconds}s): every file it reads is an input (${inputs.size} inputs)`);
    }
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
console.log(failures === 0 ? 'check:nx-inputs: complete' : `check:nx-inputs: ${failures} target(s) to fix`);
process.exitCode = failures === 0 ? 0 : 1;
