import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createIotTaskClient } from '@iot-task/client';
import { EXAMPLE_TASK_ID } from '@iot-task/msw';
import { spawnBounded } from '@iot-task/test-support/runBounded';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task-mock.js');

/** Starts the bin (bounded: it is killed, and the test fails naming it, if it outlives the test). */
function start(args: string[]) {
  const started = spawnBounded(process.execPath, [cli, ...args]);
  const firstLines = started.printed((out) => out.includes('Press Ctrl+C'));
  // Tests that expect an early exit never wait for the banner.
  firstLines.catch(() => undefined);
  return { child: started.child, output: started.output, firstLines, exited: started.exited };
}

async function exit(started: { exited: Promise<{ code: number | null }> }): Promise<number | null> {
  return (await started.exited).code;
}

describe('iot-task-mock (the bin)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints its URL and credentials, serves, and stops cleanly on ${signal}`, async () => {
      const started = start(['--port', '0', '--access-key-id', 'my-id', '--access-key-secret', 'my-secret-1234']);
      const banner = await started.firstLines;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
      expect(url).toBeDefined();
      expect(banner).toContain('AccessKey ID:     my-id');
      expect(banner).toContain('**********1234 (as given)');
      expect(banner).not.toContain('my-secret-1234');
      const { Data: task } = await createIotTaskClient({
        endpoint: url,
        credentials: { accessKeyId: 'my-id', accessKeySecret: 'my-secret-1234' },
      }).queryTask({ TaskId: EXAMPLE_TASK_ID });
      expect(task.Status).toBe('QUEUED');
      started.child.kill(signal);
      expect(await exit(started)).toBe(0);
      expect(started.output()).toContain('iot-task-mock: stopped');
    });
  }

  it('--allow-host: the control surface answers that Host too (a container reached by name), others still 403', async () => {
    const started = start(['--port', '0', '--allow-host', 'mock.internal']);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await started.firstLines)?.[1] as string;
    const { port } = new URL(url);
    const status = async (host: string) => {
      const { request } = await import('node:http');
      return new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/__mock/stats', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    };
    expect(await status(`mock.internal:${port}`)).toBe(200);
    expect(await status(`other.internal:${port}`)).toBe(403);
    started.child.kill('SIGTERM');
    expect(await exit(started)).toBe(0);
  });

  it('prints the default test credentials when none are given', async () => {
    const started = start(['--port', '0']);
    expect(await started.firstLines).toContain('iot-task-test-secret (test credentials, not a secret)');
    started.child.kill('SIGTERM');
    expect(await exit(started)).toBe(0);
  });

  it('a reader that goes away (| grep -m1 listening) does not stop it: it serves on, and stops cleanly', async () => {
    const started = start(['--port', '0']);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await started.firstLines)?.[1];
    started.child.stdout?.destroy();
    const answer = await fetch(`${url}/__mock/stats`);
    expect(answer.status).toBe(200);
    started.child.kill('SIGTERM');
    expect(await exit(started)).toBe(0);
    expect(started.output()).not.toMatch(/EPIPE|at .*\.js:\d+/);
  });

  it('an empty --port or an --advance a timer cannot wait: usage errors', async () => {
    for (const [args, message] of [
      [['--port', ''], '--port: expected 0–65535, received ""'],
      [
        ['--advance', '1e400'],
        '--advance: expected per-query or whole milliseconds from 1 to 2147483647, received "1e400"',
      ],
      [
        ['--advance', '3000000000'],
        '--advance: expected per-query or whole milliseconds from 1 to 2147483647, received "3000000000"',
      ],
    ] as const) {
      const bad = start([...args]);
      expect(await exit(bad)).toBe(2);
      expect(bad.output().trim()).toBe(`iot-task-mock: ${message}. Run iot-task-mock --help.`);
    }
  });

  it('bad arguments: one line, exit 2, no stack trace', async () => {
    const bad = start(['--port', 'many']);
    expect(await exit(bad)).toBe(2);
    expect(bad.output().trim()).toBe(
      'iot-task-mock: --port: expected 0–65535, received "many". Run iot-task-mock --help.',
    );
    const unknown = start(['--frobnicate']);
    expect(await exit(unknown)).toBe(2);
    expect(unknown.output()).toMatch(/^iot-task-mock: Unknown option '--frobnicate'/);
    expect(unknown.output()).not.toMatch(/\n\s+at /);
  });

  it('a port in use: one clear line, exit 1', async () => {
    const first = start(['--port', '0']);
    const port = /:(\d+)\n/.exec(await first.firstLines)?.[1] as string;
    const second = start(['--port', port]);
    expect(await exit(second)).toBe(1);
    expect(second.output()).toContain(`iot-task-mock: port ${port} is in use`);
    first.child.kill('SIGTERM');
    expect(await exit(first)).toBe(0);
  });
});

describe('iot-task-mock: shutdown and secrets', () => {
  it('SIGTERM while a latency fault holds a request: stops at once, exit 0', async () => {
    const started = start(['--port', '0', '--no-quota']);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await started.firstLines)?.[1] as string;
    const added = await fetch(`${url}/__mock/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault: 'latency:600000' }),
    });
    expect(added.status).toBe(201);
    const held = fetch(`${url}/?Action=QueryTask&Version=2018-01-20&Format=JSON&TaskId=x`).catch((e: unknown) => e);
    // The held request has taken the fault once none is pending.
    await expect.poll(async () => (await (await fetch(`${url}/__mock/stats`)).json()).faults).toBe(0);
    started.child.kill('SIGTERM');
    expect(await exit(started)).toBe(0);
    expect(started.output()).toContain('iot-task-mock: stopped');
    await held;
  });

  it('the secret from a file, or the environment; on the command line it works but warns (ps shows it)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mock-secret-'));
    try {
      const file = path.join(dir, 'secret');
      await writeFile(file, 'from-a-file-1234\n');
      const fromFile = start(['--port', '0', '--access-key-id', 'k', '--access-key-secret-file', file]);
      expect(await fromFile.firstLines).toContain('AccessKey secret: ************1234 (as given)');
      expect(fromFile.output()).not.toContain('warning');
      fromFile.child.kill('SIGTERM');
      expect(await exit(fromFile)).toBe(0);

      const onArgv = start(['--port', '0', '--access-key-id', 'k', '--access-key-secret', 'on-argv-5678']);
      expect(await onArgv.firstLines).toContain(
        'iot-task-mock: warning: --access-key-secret is visible to every local user (ps); prefer --access-key-secret-file or IOT_TASK_MOCK_ACCESS_KEY_SECRET',
      );
      onArgv.child.kill('SIGTERM');
      expect(await exit(onArgv)).toBe(0);

      const missing = start([
        '--port',
        '0',
        '--access-key-id',
        'k',
        '--access-key-secret-file',
        path.join(dir, 'nope'),
      ]);
      expect(await exit(missing)).toBe(2);
      expect(missing.output()).toMatch(
        /^iot-task-mock: --access-key-secret-file: cannot read .*nope \(ENOENT\)\. Run iot-task-mock --help\.\n$/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('iot-task-mock: several AccessKeys of one account, read back from another process', () => {
  it('--credentials-file and --account: RAM users share the quota; GET /__mock/log gives every arrival time and code', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mock-accounts-'));
    try {
      const file = path.join(dir, 'credentials.json');
      const credentials = { 'AK-ci': 'secret-ci-1234', 'AK-dev': 'secret-dev-5678' };
      await writeFile(file, JSON.stringify(credentials));
      const started = start(['--port', '0', '--credentials-file', file, '--account', 'acme=AK-ci,AK-dev']);
      const banner = await started.firstLines;
      expect(banner).toContain('AccessKey IDs:    AK-ci, AK-dev');
      expect(banner).toContain('Accounts:         acme = AK-ci, AK-dev');
      expect(banner).toContain("quota: each API's per account and API, sliding second");
      expect(banner).not.toMatch(/secret-ci|secret-dev|1234|5678/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] as string;
      const clientOf = (accessKeyId: keyof typeof credentials) =>
        createIotTaskClient({
          endpoint: url,
          credentials: { accessKeyId, accessKeySecret: credentials[accessKeyId] },
          quota: false,
          retry: false,
        });
      // Twelve at once between the two AccessKeys: the account's five pass, within one second.
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          clientOf(i % 2 ? 'AK-dev' : 'AK-ci').queryTask({ TaskId: EXAMPLE_TASK_ID }),
        ),
      );
      const log = (await (await fetch(`${url}/__mock/log`)).json()) as {
        limit: number;
        dropped: number;
        entries: { at: number; account: string | null; code: string | null; httpStatus: number }[];
      };
      expect(log.limit).toBe(10_000);
      expect(log.dropped).toBe(0);
      expect(log.entries).toHaveLength(12);
      expect(new Set(log.entries.map((e) => e.account))).toEqual(new Set(['acme']));
      const accepted = log.entries.filter((e) => e.code !== 'Throttling.User');
      const throttled = log.entries.filter((e) => e.code === 'Throttling.User');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(accepted.length);
      // However slowly the 12 arrived, no sliding second holds more than 5 accepted.
      const times = accepted.map((e) => e.at).sort((a, b) => a - b);
      for (let i = 5; i < times.length; i++)
        expect((times[i] as number) - (times[i - 5] as number)).toBeGreaterThanOrEqual(1000);
      expect(accepted.length).toBeGreaterThanOrEqual(5);
      expect(throttled.length).toBe(12 - accepted.length);
      for (const e of throttled) expect(e.httpStatus).toBe(400);
      started.child.kill('SIGTERM');
      expect(await exit(started)).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a bad --account or --quota-counting: one line, exit 2', async () => {
    const bad = start(['--account', 'acme=AK-nope']);
    expect(await exit(bad)).toBe(2);
    expect(bad.output()).toBe(
      'iot-task-mock: --account: AccessKey "AK-nope" of account "acme" is not one the mock accepts (--access-key-id or --credentials-file). Run iot-task-mock --help.\n',
    );
    const counting = start(['--quota-counting', 'leaky']);
    expect(await exit(counting)).toBe(2);
    expect(counting.output()).toBe(
      'iot-task-mock: --quota-counting: expected sliding-window or token-bucket, received "leaky". Run iot-task-mock --help.\n',
    );
  });
});
