/**
 * A scratch copy of this workspace in a temporary folder: the tracked files as they are in the
 * working tree (uncommitted edits included), the installed dependencies linked rather than
 * copied, and `@iot-task/*` pointing at the copy's own packages. What it generates and builds
 * stays in the copy, so a proof can change the spec and run the whole pipeline without touching
 * the repository.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface ScratchWorkspace {
  root: string;
  /** Runs a command in the copy (`cwd` relative to its root); rejects with its output when it fails. */
  exec(
    file: string,
    args: string[],
    options?: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
  ): Promise<string>;
  /** Node 24 of the workspace (node_modules/.bin/node). */
  readonly node: string;
  dispose(): Promise<void>;
}

/** The workspace's packages in build order: each after the ones it depends on. */
export const BUILD_ORDER = [
  'specs',
  'packages/signing',
  'packages/client',
  'packages/msw',
  'packages/mock-server',
  'packages/quota-redis',
  'packages/contract',
  'packages/react',
  'packages/cli',
];

export async function createScratchWorkspace(prefix = 'iot-task-scratch-'): Promise<ScratchWorkspace> {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repoRoot,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    })
      .split('\0')
      .filter((f) => f !== '');
    for (const file of tracked) {
      const from = path.join(repoRoot, file);
      const stat = await lstat(from).catch(() => undefined);
      if (!stat || stat.isDirectory()) continue; // deleted in the working tree, or a submodule
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await cp(from, path.join(root, file), { verbatimSymlinks: true });
    }
    await linkDependencies(root);
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  const node = path.join(repoRoot, 'node_modules', '.bin', 'node');
  return {
    root,
    node,
    async exec(file, args, options = {}) {
      try {
        const { stdout, stderr } = await run(file, args, {
          cwd: path.join(root, options.cwd ?? '.'),
          timeout: options.timeoutMs ?? 300_000,
          maxBuffer: 64 << 20,
          env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', ...options.env },
        });
        return `${stdout}${stderr}`;
      } catch (error) {
        const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
        throw new Error(
          `${[file, ...args].join(' ')} failed in ${options.cwd ?? '.'}:\n${`${stdout}${stderr}`.trim() || message}`,
        );
      }
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * `node_modules` of the copy: every installed package linked to the repository's, except our own
 * (`@iot-task/*`), which point at the copy's folders as npm's workspace links do.
 */
async function linkDependencies(root: string): Promise<void> {
  const installed = path.join(repoRoot, 'node_modules');
  const target = path.join(root, 'node_modules');
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(installed)) {
    if (entry === '@iot-task') continue;
    await symlink(path.join(installed, entry), path.join(target, entry));
  }
  const ours = path.join(installed, '@iot-task');
  await mkdir(path.join(target, '@iot-task'), { recursive: true });
  for (const entry of await readdir(ours)) {
    // npm links `node_modules/@iot-task/client` → `../../packages/client`: the same, inside the copy.
    const link = await readlink(path.join(ours, entry));
    await symlink(link, path.join(target, '@iot-task', entry));
  }
}
