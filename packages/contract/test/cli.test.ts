import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMockServer } from '@iot-task/mock-server';
import { runBounded } from '@iot-task/test-support/runBounded';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task-contract.js');

/** Whether text holds a control character other than a line feed. */
const hasControl = (text: string) =>
  [...text].some((c) => c !== '\n' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));

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
    // The mock's quota raised (and told to the kit) keeps the paced run short.
    const server = await createMockServer({ port: 0, quota: { requestsPerSecond: 50 } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
    try {
      const junit = path.join(dir, 'contract.xml');
      const r = await run(['--base-url', server.url, '--quota', '50', '--junit', junit]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Contract of QueryTask against ${server.url}`);
      expect(r.out).toMatch(/✔ QueryTask\/exchange\/POST\/XML\/v1\n/);
      expect(r.out).toMatch(/✔ QueryTask\/lifecycle\/fails\/XML\n/);
      expect(r.out).toMatch(/✔ QueryTask\/replay\/v1\/GET\/XML\n/);
      expect(r.out).toMatch(/✔ QueryTask\/throttling\n/);
      const [, passed] = /(\d+) passed, 0 failed, 0 skipped in \d+\.\ds/.exec(r.out) ?? [];
      expect(Number(passed)).toBeGreaterThan(50);
      const [, byKind = ''] = /\nCases by kind: (.*)\n/.exec(r.out) ?? [];
      const counts: Record<string, string> = Object.fromEntries(byKind.split(', ').map((entry) => entry.split(' ')));
      expect(counts).toMatchObject({
        transport: '1',
        exchange: '8',
        edge: '34',
        instance: '3',
        throttling: '1',
        'request-ids': '1',
      });
      expect(Object.values(counts).reduce((sum: number, n) => sum + Number(n), 0)).toBe(Number(passed));
      expect(await readFile(junit, 'utf8')).toMatch(
        new RegExp(`<testsuites name="iot-task contract" tests="${passed}" failures="0" skipped="0"`),
      );
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a server that drifted: the problems, named with what was expected and what came back, and exit 1', async () => {
    const broken = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'x-acs-request-id': 'r' });
      res.end(JSON.stringify({ RequestId: 'r', Success: true, Data: { TaskId: 'x', State: 'DONE' } }));
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const r = await run([
        '--base-url',
        `http://127.0.0.1:${(broken.address() as AddressInfo).port}`,
        '--no-signature-check',
        '--quota',
        '50',
      ]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('✖ QueryTask/exchange/GET/JSON/v3\n    body Data.Status: required, but missing\n');
      expect(r.out).toContain('    body Data.State: not described by the spec\n');
      expect(r.out).toContain(
        '✖ QueryTask/exchange/GET/XML/v3\n    content-type: expected text/xml, got application/json (HTTP 200, Success true)\n',
      );
      expect(r.out).toContain(
        '✖ QueryTask/missing/TaskId/v3/POST/JSON\n    expected HTTP 400, Code MissingTaskId or MissingParameter; got HTTP 200, Success true\n',
      );
      expect(r.out).toContain(
        '- QueryTask/gateway/tampered-signature/v1/GET/JSON (skipped: the target does not check signatures)',
      );
      expect(r.out).toContain('- QueryTask/replay/v1/GET/XML (skipped: the target does not check signatures)');
      expect(r.out).toContain(
        '- QueryTask/lifecycle (skipped: no task to follow: the target has no /__mock/ control surface to seed tasks; name tasks with --task-id (repeatable))',
      );
    } finally {
      broken.close();
    }
  }, 60_000);

  it("a target's text is printed, never obeyed: escape sequences and line breaks are shown escaped, in the JUnit XML too", async () => {
    const hostile = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'x-acs-request-id': 'r' });
      res.end(
        JSON.stringify({
          RequestId: 'r',
          Success: true,
          Data: { TaskId: 'x', '\u001b[2J\u001b[H': 1, Status: 'DONE\n✔ QueryTask/forged\u0007' },
        }),
      );
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
    try {
      const junit = path.join(dir, 'contract.xml');
      const r = await run([
        '--base-url',
        `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`,
        '--no-signature-check',
        '--quota',
        '50',
        '--junit',
        junit,
      ]);
      expect(r.code).toBe(1);
      expect(hasControl(r.out)).toBe(false);
      expect(r.out).not.toMatch(/^✔ QueryTask\/forged/m);
      expect(r.out).toContain('\\x1b[2J\\x1b[H: not described by the spec');
      const xml = await readFile(junit, 'utf8');
      expect(hasControl(xml)).toBe(false);
    } finally {
      hostile.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('| head -1: the run stops when its reader goes away, quietly (exit 141, no stack trace)', async () => {
    const child = spawn(process.execPath, [cli, '--msw'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(141);
    expect(err).toBe('');
  }, 60_000);

  it('--live without credentials: every case skipped with the reason; nothing was checked, so exit 3', async () => {
    const r = await run(['--live']);
    expect(r.code).toBe(3);
    expect(r.out).toContain(
      '- QueryTask/missing/TaskId/v3/POST/JSON (skipped: no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET',
    );
    expect(r.out).toMatch(/0 passed, 0 failed, \d+ skipped/);
    expect(r.err).toBe('iot-task-contract: nothing was checked: every case was skipped (see the reasons above)\n');
  });

  it('--help lists the cases that are skipped against a live account, and why', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('  throttling: it spends the quota every RAM user of the account shares');
    expect(r.out).toContain('  wrong-secret: it signs with a key pair the account does not have');
  });

  const usage: [string[], string][] = [
    [['--base-url', 'not a url'], '--base-url: expected an http(s) URL, received not a url'],
    [['--live', '--msw'], 'choose one target: --base-url, --live or --msw'],
    [['--msw', '--task-id', 'T1'], '--task-id does not apply to --msw (only to --base-url, --live)'],
    [['--task-id', 'T1'], '--task-id does not apply to --msw (only to --base-url, --live)'],
    [
      ['--live', '--access-key-id', 'k', '--access-key-secret', 's'],
      '--access-key-id does not apply to --live (only to --base-url)',
    ],
    [['--msw', '--include-unsafe'], '--include-unsafe does not apply to --msw (only to --live)'],
    [
      ['--base-url', 'http://127.0.0.1:9', '--access-key-id', 'k'],
      '--access-key-id and its secret (--access-key-secret-file or IOT_TASK_CONTRACT_ACCESS_KEY_SECRET) go together',
    ],
    [['--live', '--task-id', ' '], '--task-id: expected a TaskId, received ""'],
  ];
  for (const [args, line] of usage) {
    it(`bad arguments (${args.join(' ')}): one line, exit 2`, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`iot-task-contract: ${line}. Run iot-task-contract --help.\n`);
    });
  }
});
