import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createMockServer } from '@iot-task/mock-server';
import { actions } from '@iot-task/spec';
import { runBounded } from '@iot-task/test-support/runBounded';
import { describe, expect, it } from 'vitest';
import { baseUrlTarget, casesFor, mswTarget, startRun } from '../src/index.ts';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task-contract.js');

/** Whether text holds a control character other than a line feed. */
const hasControl = (text: string) =>
  [...text].some((c) => c !== '\n' && (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f));

/** Runs the bin to its end (bounded: a hang fails the test, naming the command). */
async function run(args: string[], env: Record<string, string> = {}, timeoutMs = 50_000) {
  const r = await runBounded(process.execPath, [cli, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    timeoutMs,
  });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

// A whole paced run grows with the spec's cases (about 35 ms a case at 50 requests a second):
// its bound grows with them, 80 ms a case, never under 50 s.
const wholeRunMs = Math.max(50_000, casesFor(await startRun(mswTarget())).length * 80);

describe('iot-task-contract (the bin)', () => {
  it(
    '--base-url: runs every case against a server, exit 0, and writes JUnit XML',
    async () => {
      // The mock's quota raised (and told to the kit) keeps the paced run short.
      const server = await createMockServer({ port: 0, quota: { requestsPerSecond: 50 } });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'contract-'));
      try {
        const junit = path.join(dir, 'contract.xml');
        const r = await run(['--base-url', server.url, '--quota', '50', '--junit', junit], {}, wholeRunMs);
        expect(
          r.code,
          r.out
            .split('\n')
            .filter((line) => /^[✖?] /.test(line))
            .join('\n'),
        ).toBe(0);
        expect(r.out).toContain(`Contract of ${Object.keys(actions).join(', ')} against ${server.url}`);
        expect(r.out).toMatch(/✔ QueryTask\/exchange\/POST\/XML\/v1\n/);
        expect(r.out).toMatch(/✔ QueryTask\/lifecycle\/fails\/XML\n/);
        expect(r.out).toMatch(/✔ QueryTask\/replay\/v1\/GET\/XML\n/);
        expect(r.out).toMatch(/✔ QueryTask\/throttling\n/);
        const [, passed] = /(\d+) passed, 0 failed, 0 skipped in \d+\.\ds/.exec(r.out) ?? [];
        // The bin ran exactly the kit's own cases for this target, in its order, each passing.
        const cases = casesFor(await startRun(baseUrlTarget(server.url, { requestsPerSecond: 50 })));
        const ran = [...r.out.matchAll(/^✔ (\S+)$/gm)].map((m) => m[1]);
        expect(ran).toEqual(cases.map((c) => c.id));
        expect(Number(passed)).toBe(cases.length);
        const [, byKind = ''] = /\nCases by kind: (.*)\n/.exec(r.out) ?? [];
        const counts: Record<string, number> = Object.fromEntries(
          byKind.split(', ').map((entry) => [entry.split(' ')[0], Number(entry.split(' ')[1])]),
        );
        const countOf = (own: readonly { kind: string }[], kind: string) => own.filter((c) => c.kind === kind).length;
        expect(counts).toEqual(
          Object.fromEntries([...new Set(cases.map((c) => c.kind))].map((k) => [k, countOf(cases, k)])),
        );
        expect(Object.values(counts).reduce((sum, n) => sum + n, 0)).toBe(Number(passed));
        // Every action: its transport and throttling case, an exchange per method, format and signature.
        for (const [action, descriptor] of Object.entries(actions)) {
          const own = cases.filter((c) => c.action === action);
          expect([countOf(own, 'transport'), countOf(own, 'throttling')], action).toEqual([1, 1]);
          expect(countOf(own, 'exchange'), action).toBe(descriptor.methods.length * 2 * 2);
        }
        // QueryTask's own numbers, from its document: GET and POST in 2 formats and 2 signatures;
        // TaskId and IotInstanceId at both length bounds in the 8 variants, Format's default left
        // out (V1, GET and POST); the 3 instance cases of a task made in an instance.
        const queryTask = cases.filter((c) => c.action === 'QueryTask');
        expect(['exchange', 'edge', 'instance'].map((k) => countOf(queryTask, k))).toEqual([8, 34, 3]);
        expect(countOf(cases, 'request-ids')).toBe(1);
        expect(await readFile(junit, 'utf8')).toMatch(
          new RegExp(`<testsuites name="iot-task contract" tests="${passed}" failures="0" skipped="0"`),
        );
      } finally {
        await server.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
    wholeRunMs + 10_000,
  );

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
        // A TaskId the user gave, printed in case names: escaped as well.
        '--task-id',
        'a\u001b[2J\u009b',
      ]);
      expect(r.code).toBe(1);
      expect(hasControl(r.out)).toBe(false);
      expect(r.out).toContain('a\\x1b[2J');
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
    [
      ['--base-url', 'http://127.0.0.1:9', '--access-key-secret', 'shh'],
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
