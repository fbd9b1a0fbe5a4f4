import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMockServer } from '@iot-task/mock-server';
import { runBounded } from '@iot-task/test-support/runBounded';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task-contract.js');

/** Runs the bin to its end (bounded: a hang fails the test, naming the command). */
async function run(args: string[], env: Record<string, string> = {}) {
  const r = await runBounded(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeoutMs: 50_000,
  });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('iot-task-contract (the bin)', () => {
  it('--base-url: runs every case against a server, exit 0, and writes JUnit XML', async () => {
    const server = await createMockServer({ port: 0 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
    try {
      const junit = path.join(dir, 'contract.xml');
      const r = await run(['--base-url', server.url, '--junit', junit]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`QueryTask contract against ${server.url}`);
      expect(r.out).toMatch(/✔ QueryTask\/exchange\/POST\/XML\/v1\n/);
      expect(r.out).toMatch(/25 passed, 0 failed, 0 skipped in \d+\.\ds/);
      expect(await readFile(junit, 'utf8')).toMatch(
        /<testsuites name="iot-task contract" tests="25" failures="0" skipped="0"/,
      );
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a server that drifted: the problems, named, and exit 1', async () => {
    const broken = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: 'r', Success: true, Data: { TaskId: 'x', State: 'DONE' } }));
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const r = await run([
        '--base-url',
        `http://127.0.0.1:${(broken.address() as AddressInfo).port}`,
        '--no-signature-check',
      ]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('✖ QueryTask/exchange/GET/JSON/v3');
      expect(r.out).toContain('    response body Data.Status: required, but missing');
      expect(r.out).toContain('    response content-type application/json: XML was asked for');
      expect(r.out).toContain('✖ QueryTask/missing/TaskId\n');
      expect(r.out).toContain('    status 200: a missing TaskId is a gateway error, HTTP 400\n');
      expect(r.out).toContain('    TaskId breaking maxLength 128: answered with success instead of an error\n');
    } finally {
      broken.close();
    }
  }, 60_000);

  it('--live without credentials: every case skipped with the reason, exit 0', async () => {
    const r = await run(['--live']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(
      '- QueryTask/missing/TaskId (skipped: no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
    expect(r.out).toMatch(/0 passed, 0 failed, 25 skipped/);
  });

  it('bad arguments: one line, exit 2', async () => {
    const r = await run(['--base-url', 'not a url']);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'iot-task-contract: --base-url: expected an http(s) URL, received not a url. Run iot-task-contract --help.\n',
    );
    expect((await run(['--live', '--msw'])).err).toContain('choose one target');
  });
});
