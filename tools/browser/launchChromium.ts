import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';
import { type Browser, chromium } from 'playwright-core';

/** Why no browser could be started, with the fix, in one line. */
export class ChromiumUnavailableError extends Error {
  override name = 'ChromiumUnavailableError';
}

const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/**
 * The Chromium the browser tests use. By default the headless-shell build that `npm ci` installs
 * from the npm registry (`@sparticuz/chromium`, linked only against glibc), unpacked once into
 * `node_modules/.cache` — no system package, no root, no download at test time. `CHROMIUM_PATH`
 * points at another binary (Debian's `/usr/bin/chromium`, say); when it names a file that does not
 * exist, the npm Chromium is used with a one-line warning. See decisions/browser-for-tests.md.
 */
export async function chromiumExecutable(
  env: NodeJS.ProcessEnv = process.env,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<string> {
  const override = env.CHROMIUM_PATH;
  if (override !== undefined && override !== '') {
    if (existsSync(override)) return override;
    // A machine without the browser CHROMIUM_PATH names (a leftover setting, a CI image that lost
    // Debian's package) is the case the npm Chromium exists for: use it, and say so.
    warn(`CHROMIUM_PATH=${override} does not exist: using the Chromium npm ci installed instead`);
  }
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve('@sparticuz/chromium'));
  } catch {
    throw new ChromiumUnavailableError('@sparticuz/chromium is not installed: run npm ci at the repository root');
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const target = path.join(repoRoot, 'node_modules', '.cache', 'iot-task-chromium', version, 'chromium');
  if (existsSync(target)) return target;
  await mkdir(path.dirname(target), { recursive: true });
  // Unpacked beside the target and renamed into place: concurrent test processes never see half a binary.
  const partial = `${target}.${process.pid}.partial`;
  try {
    await pipeline(
      createReadStream(path.join(packageDir, 'bin', 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(partial),
    );
    await chmod(partial, 0o755);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw new ChromiumUnavailableError(
      `could not unpack Chromium from @sparticuz/chromium into ${path.dirname(target)} (${(error as Error).message}): check free disk space, or set CHROMIUM_PATH`,
    );
  }
  return target;
}

/**
 * Headless Chromium for the repository's browser tests, with the flags this machine needs (no
 * sandbox as root, no GPU, no background networking: the network is closed). Launching is bounded
 * (30 s); every failure is a ChromiumUnavailableError naming the binary and the fix.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  try {
    return await chromium.launch({
      executablePath,
      timeout: 30_000,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    const first = ((error as Error).message ?? String(error)).split('\n')[0];
    throw new ChromiumUnavailableError(
      `Chromium at ${executablePath} did not start (${first}): set CHROMIUM_PATH to a working Chromium, or unset it to use the one npm ci installs`,
    );
  }
}
