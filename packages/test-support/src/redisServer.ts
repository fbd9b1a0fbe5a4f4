import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A redis-server of a test's own, on a free loopback port, keeping nothing on disk. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>`, with the password if there is one. */
  readonly url: string;
  /** Stops it (SIGTERM) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing was kept), and waits until it answers. */
  start(): Promise<void>;
}

const FIX = 'redis-server is not installed: install it (apt-get install redis-server) or set REDIS_SERVER to its path';

/** The redis-server binary: `$REDIS_SERVER`, or the one on PATH; one line naming the fix if there is none. */
export function redisServerBinary(): string {
  const given = process.env.REDIS_SERVER;
  if (given) return given;
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || fail();
  } catch {
    return fail();
  }
}

function fail(): never {
  throw new Error(FIX);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something on `port` answers PING (with the password, if any), within `ms`. */
async function answering(port: number, password: string | undefined, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      const done = (value: boolean) => {
        socket.destroy();
        resolve(value);
      };
      socket.setTimeout(500, () => done(false));
      socket.once('error', () => done(false));
      socket.connect(port, '127.0.0.1', () => {
        socket.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n');
      });
      socket.on('data', (data) => {
        if (data.toString().includes('+PONG')) done(true);
      });
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts a redis-server of the test's own (so the test may stop and restart it), on a free port,
 * bound to loopback, keeping nothing on disk. Call `stop()` when done. Uses the real clock (the
 * caller must not have faked it).
 */
export async function startTestRedis(options: { password?: string; args?: string[] } = {}): Promise<TestRedis> {
  const binary = redisServerBinary();
  const port = await freePort();
  const { password } = options;
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (password) args.push('--requirepass', password);
    args.push(...(options.args ?? []));
    const started = spawn(binary, args, { stdio: 'ignore' });
    child = started;
    const failedToStart = new Promise<never>((_, reject) => {
      started.once('error', (error) => reject(new Error(`${binary} could not start: ${error.message}. ${FIX}`)));
      started.once('exit', (code) => reject(new Error(`${binary} exited at once (code ${code}) on port ${port}`)));
    });
    // Its exit later (a stop) rejects this too: nobody waits for it then.
    failedToStart.catch(() => undefined);
    await Promise.race([answering(port, password, 10_000), failedToStart]);
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const gone = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await gone;
  };
  await start();
  return {
    port,
    url: `redis://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}`,
    stop,
    start,
  };
}
