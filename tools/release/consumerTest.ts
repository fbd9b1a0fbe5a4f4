/**
 * `npm run test:consumers`: the published packages as consumers get them. Packs every
 * published package (`npm pack`), installs the tarballs (not workspace links) with their
 * registry dependencies into two throwaway projects, and:
 * - node-app: type-checks, builds with tsc, runs — QueryTask and waitForTask against the packed
 *   mock server, and the packed CLIs;
 * - react-app: type-checks, builds with Vite, and runs in headless Chromium behind the packed
 *   signing proxy and mock server until the hook shows SUCCEEDED.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { launchChromium } from '../browser/launchChromium.ts';
import { publishedPackages, repoRoot } from './publishedPackages.ts';

const run = promisify(execFile);
const node = process.execPath;
const bin = (name: string) => path.join(repoRoot, 'node_modules', '.bin', name);
const rootManifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
/** Third-party versions the consumers install from the registry: the ones this repo is tested with. */
const pinned = (name: string) =>
  rootManifest.devDependencies[name] ??
  (() => {
    throw new Error(`no pinned version of ${name}`);
  })();

async function step<T>(label: string, action: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const result = await action();
    console.log(`✔ ${label} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
    return result;
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    console.error(`✖ ${label}\n${`${stdout}${stderr}`.trim() || message}`);
    throw error;
  }
}

async function exec(file: string, args: string[], cwd: string, timeout = 180_000) {
  return run(file, args, {
    cwd,
    timeout,
    maxBuffer: 32 << 20,
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' },
  });
}

const work = await mkdtemp(path.join(os.tmpdir(), 'iot-task-consumers-'));
try {
  const tarballs = path.join(work, 'tarballs');
  await mkdir(tarballs);
  const packed: Record<string, string> = {};
  const published = await publishedPackages();
  await step('npm pack every published package', async () => {
    for (const { dir, manifest } of published) {
      const { stdout } = await exec(
        'npm',
        ['pack', '--pack-destination', tarballs, '--silent'],
        path.join(repoRoot, dir),
      );
      packed[manifest.name] = path.join(tarballs, stdout.trim().split('\n').at(-1) as string);
    }
  });
  // The tarballs of `names` and of every package of ours they depend on (npm would look for those
  // in the registry otherwise).
  const ours = (names: string[]) => {
    const wanted = new Set<string>();
    const add = (name: string) => {
      if (wanted.has(name)) return;
      wanted.add(name);
      const manifest = published.find((p) => p.manifest.name === name)?.manifest;
      for (const dep of Object.keys(manifest?.dependencies ?? {})) if (dep in packed) add(dep);
    };
    for (const name of names) add(name);
    return Object.fromEntries([...wanted].sort().map((n) => [n, `file:${packed[n]}`]));
  };
  const everything = Object.keys(packed);

  // --- a Node ESM TypeScript app ---
  const nodeApp = path.join(work, 'node-app');
  await cp(path.join(import.meta.dirname, 'consumers', 'node-app'), nodeApp, { recursive: true });
  await writeFile(
    path.join(nodeApp, 'package.json'),
    JSON.stringify(
      {
        name: 'node-consumer',
        private: true,
        type: 'module',
        dependencies: ours(everything),
        devDependencies: { '@types/node': pinned('@types/node') },
      },
      null,
      2,
    ),
  );
  await step('node-app: npm install the tarballs', () =>
    exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], nodeApp),
  );
  const installed = await readdir(path.join(nodeApp, 'node_modules', '@iot-task'));
  if (installed.some((name) => name === 'tools' || name.startsWith('example')))
    throw new Error('private packages leaked into the install');
  await step('node-app: type-check and build (tsc)', () => exec(node, [bin('tsc'), '-p', 'tsconfig.json'], nodeApp));
  const { stdout } = await step('node-app: run', () => exec(node, ['dist/main.js'], nodeApp));
  const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
  const expected = { first: 'QUEUED', final: 'SUCCEEDED', progress: 100, missing: 'iot.job.TaskNotFound', quota: 5 };
  if (JSON.stringify(result) !== JSON.stringify(expected))
    throw new Error(`node-app printed ${stdout.trim()}, expected ${JSON.stringify(expected)}`);
  await step('node-app: the packed CLI (iot-task watch --mock)', async () => {
    const { stdout: out } = await exec(
      node,
      [path.join(nodeApp, 'node_modules', '.bin', 'iot-task'), 'watch', 'MSnT9***q010101', '--mock'],
      nodeApp,
    );
    if (!/finished SUCCEEDED/.test(out)) throw new Error(out);
  });
  await step('node-app: the packed contract kit (iot-task-contract --msw)', async () => {
    const { stdout: out } = await exec(
      node,
      [path.join(nodeApp, 'node_modules', '.bin', 'iot-task-contract'), '--msw'],
      nodeApp,
    );
    if (!/ 0 failed/.test(out)) throw new Error(out);
  });

  // --- a Vite React app using the hook ---
  const reactApp = path.join(work, 'react-app');
  await cp(path.join(import.meta.dirname, 'consumers', 'react-app'), reactApp, { recursive: true });
  await writeFile(
    path.join(reactApp, 'package.json'),
    JSON.stringify(
      {
        name: 'react-consumer',
        private: true,
        type: 'module',
        dependencies: {
          ...ours(['@iot-task/client', '@iot-task/react']),
          '@tanstack/react-query': pinned('@tanstack/react-query'),
          react: pinned('react'),
          'react-dom': pinned('react-dom'),
        },
        devDependencies: { '@types/react': pinned('@types/react'), '@types/react-dom': pinned('@types/react-dom') },
      },
      null,
      2,
    ),
  );
  await step('react-app: npm install the tarballs', () =>
    exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], reactApp),
  );
  await step('react-app: type-check (tsc)', () => exec(node, [bin('tsc'), '-p', 'tsconfig.json'], reactApp));
  await step('react-app: build (vite)', () => exec(node, [bin('vite'), 'build', '--logLevel', 'error'], reactApp));
  await step('react-app: run in headless Chromium, behind the packed signing proxy', async () => {
    const { createSigningProxy } = await import(
      path.join(nodeApp, 'node_modules', '@iot-task', 'client', 'dist', 'index.mjs')
    );
    const { createMockServer } = await import(
      path.join(nodeApp, 'node_modules', '@iot-task', 'mock-server', 'dist', 'index.mjs')
    );
    const { TEST_CREDENTIALS } = await import(
      path.join(nodeApp, 'node_modules', '@iot-task', 'msw', 'dist', 'index.mjs')
    );
    const mock = await createMockServer({ port: 0 });
    const proxy = createSigningProxy({ endpoint: mock.url, credentials: TEST_CREDENTIALS });
    const dist = path.join(reactApp, 'dist');
    // Everything started here is closed in `finally`, whatever fails (the browser included).
    const server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname.startsWith('/api/iot')) {
        const answer: Response = await proxy(new Request(url));
        res
          .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
          .end(await answer.text());
        return;
      }
      const file = path.join(dist, url.pathname === '/' ? 'index.html' : path.normalize(url.pathname));
      const body = await readFile(file).catch(() => undefined);
      if (body === undefined) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
    });
    let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { timeout: 30_000 });
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'SUCCEEDED 100%', undefined, {
        timeout: 30_000,
      });
    } finally {
      await browser?.close();
      server.closeAllConnections();
      server.close();
      await mock.close();
    }
  });
  console.log('consumers: the packed packages install, type-check, build and run');
} catch {
  process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
