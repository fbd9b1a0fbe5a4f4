import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createSigningProxy } from '@iot-task/client';
import { createMockServer, type MockServer } from '@iot-task/mock-server';
import { TEST_CREDENTIALS } from '@iot-task/msw';
import { TaskStatusValues } from '@iot-task/spec';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../browser/launchChromium.ts';
import { type BundledApp, writeBrowserBundle } from './bundleSize.ts';

// The apps the bundle figures are measured on really run in a browser: each is bundled as
// measured, served with its chunks, and loaded in headless Chromium against the mock server —
// through the page's signing proxy (/api/iot), or signed in the page with the mock's test
// credentials (/iot, passed through to the mock with the page's Host, which the signature covers).

let browser: Browser;
let mock: MockServer;
let server: Server;
let dir: string;
let origin: string;

beforeAll(async () => {
  mock = await createMockServer({ port: 0 });
  const proxy = createSigningProxy({ endpoint: mock.url, credentials: TEST_CREDENTIALS });
  dir = await mkdtemp(path.join(os.tmpdir(), 'iot-task-bundle-in-browser-'));
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/iot')) {
      const response = await proxy(new Request(url, { method: req.method ?? 'GET' }));
      res
        .writeHead(response.status, Object.fromEntries(response.headers))
        .end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    if (url.pathname.startsWith('/iot/')) {
      const upstream = new URL(mock.url);
      const forwarded = request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${url.pathname.slice('/iot'.length)}${url.search}`,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forwarded);
      return;
    }
    const [, app, file] = /^\/([\w-]+)\/([\w.-]+)$/.exec(url.pathname) ?? [];
    if (app && file === 'index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<script type="module" src="app.js"></script>');
      return;
    }
    try {
      const body = await readFile(path.join(dir, app ?? '', file ?? ''));
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await mock?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['@iot-task/client', 'proxied', '/api/iot'],
  ['@iot-task/client (signed in the browser, test credentials)', 'signed', '/iot/'],
] as const satisfies readonly [BundledApp, string, string][])('the measured app %s', (app, folder, via) => {
  it('runs in headless Chromium and logs the task status', async () => {
    await writeBrowserBundle(app, path.join(dir, folder));
    const page = await browser.newPage();
    const logged: string[] = [];
    const errors: string[] = [];
    const sent: string[] = [];
    page.on('console', (message) => logged.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (r) => sent.push(new URL(r.url()).pathname));
    await page.goto(`${origin}/${folder}/index.html`);
    await expect.poll(() => logged.length + errors.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(TaskStatusValues).toContain(logged[0]);
    expect(sent.some((p) => p.startsWith(via))).toBe(true);
    await page.close();
  });
});
