import { type ChildProcess, spawn } from 'node:child_process';

export interface ProcessRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BoundedOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Killed (SIGKILL) and reported after this long. @default 20000 */
  timeoutMs?: number;
}

export interface BoundedProcess {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout then stderr interleaved as it came. */
  output(): string;
  /** Resolves when `predicate(output())` holds; rejects if the process exits first. */
  printed(predicate: (output: string) => boolean): Promise<string>;
  /** Resolves when the process exits; rejects with one line naming the command if the bound passed. */
  readonly exited: Promise<ProcessRun>;
}

/**
 * Starts a process with a deadline: a test of a process that hangs fails after `timeoutMs` with
 * the command and the tail of what it printed, instead of hanging the run.
 */
export function spawnBounded(command: string, args: string[], options: BoundedOptions = {}): BoundedProcess {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let all = '';
  const listeners = new Set<() => void>();
  const onData = (to: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString();
    if (to === 'stdout') stdout += text;
    else stderr += text;
    all += text;
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  const label = [command, ...args].join(' ').slice(0, 160);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const exited = new Promise<ProcessRun>((resolve, reject) => {
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${label}: could not start (${error.message})`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`${label}: still running after ${timeoutMs} ms, killed; it printed: ${all.slice(-400)}`));
      } else {
        resolve({ code, signal, stdout, stderr });
      }
    });
  });
  return {
    child,
    output: () => all,
    printed(predicate) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          if (predicate(all)) {
            listeners.delete(check);
            resolve(all);
          }
        };
        listeners.add(check);
        check();
        exited.then(
          () => reject(new Error(`${label}: exited before printing what was awaited; it printed: ${all.slice(-400)}`)),
          reject,
        );
      });
    },
    exited,
  };
}

/** Runs a process to its end, within a deadline (see spawnBounded). */
export function runBounded(command: string, args: string[], options: BoundedOptions = {}): Promise<ProcessRun> {
  return spawnBounded(command, args, options).exited;
}
