import { spawn } from 'node:child_process';
import path from 'node:path';

/** Starts fixtureServer.ts in its own process, so its CPU is never counted with the client's. */
export async function startFixtureServer(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'fixtureServer.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { endpoint: `127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
