import path from 'node:path';
import { createMockServer } from '@iot-task/mock-server';
import { startTestRedis } from '@iot-task/test-support/redisServer';
import { type ProcessRun, runBounded, spawnBounded } from '@iot-task/test-support/runBounded';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task.js');
const TASK = 'MSnT9***q010101';
const CLEAN_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

type Run = ProcessRun;

/** Runs the CLI to its end (bounded: a hang fails the test, naming the command). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runBounded(process.execPath, [cli, ...args], { env: { ...CLEAN_ENV, ...env } });
}

/** Starts the CLI, sends `signal` once it printed `text`, and returns how it ended. */
async function interrupt(args: string[], text: string, signal: NodeJS.Signals): Promise<Run> {
  const started = spawnBounded(process.execPath, [cli, ...args], { env: CLEAN_ENV });
  await started.printed((out) => out.includes(text));
  started.child.kill(signal);
  return started.exited;
}

/** Runs the CLI on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
function runOnTty(args: string[]): Promise<Run> {
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  return runBounded('script', ['-qfec', quoted, '/dev/null'], { env: { ...CLEAN_ENV, COLUMNS: '120', TERM: 'xterm' } });
}

const noStackTrace = (r: Run) => expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |Error: .*\n.*node:/);

describe('iot-task watch --mock (the quick start)', () => {
  it('piped: plain timestamped lines up to SUCCEEDED, exit 0', async () => {
    const r = await run(['watch', TASK, '--mock']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[1])).toEqual([
      'QUEUED',
      'SENT',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'SUCCEEDED',
      'finished',
    ]);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    expect(lines.at(-1)).toMatch(/finished SUCCEEDED after 7 poll\(s\) in \d+\.\ds$/);
    expect(r.stderr).toMatch(
      /^Using the embedded mock at http:\/\/127\.0\.0\.1:\d+ \(test credentials, signatures verified\)\n$/,
    );
  });

  it('on a terminal: one live status line with a progress bar, redrawn in place, ending ✔ SUCCEEDED', async () => {
    const r = await runOnTty(['watch', TASK, '--mock']);
    expect(r.code).toBe(0);
    const frames = r.stdout.split('\r').map((f) => f.replace('\u001b[2K', ''));
    expect(
      frames.some((f) => /IN_PROGRESS +\[█{10}░{14}\] {2}40% {2}MyTestJobIax6Eq · mydevice {2}\d+\.\ds/.test(f)),
    ).toBe(true);
    const last = frames.filter((f) => f.trim() !== '').at(-1);
    expect(last).toMatch(/^✔ SUCCEEDED +\[█{24}\] 100% {2}MyTestJobIax6Eq · mydevice {2}\d+\.\ds$/);
    expect(r.stdout).not.toMatch(/^\d{4}-\d\d-\d\dT/m);
  });

  const outcomes: [string, number][] = [
    ['fails', 10],
    ['rejected', 11],
    ['times-out', 12],
    ['cancelled', 13],
  ];
  for (const [scenario, code] of outcomes) {
    it(`scenario ${scenario}: exit ${code}`, async () => {
      const r = await run(['watch', 'T-1', '--mock', scenario]);
      expect(r.code).toBe(code);
    });
  }

  it('a task that never ends: exit 4 after --timeout, one line', async () => {
    const r = await run(['watch', 'T-1', '--mock=stuck', '--timeout', '600']);
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'iot-task: WaitTimeout: task T-1 did not reach a terminal status within 600 ms',
    );
  });

  it('Ctrl+C: exit 130, "interrupted"', async () => {
    const r = await interrupt(['watch', 'T-1', '--mock', 'stuck'], 'IN_PROGRESS', 'SIGINT');
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('iot-task: interrupted');
  });

  it('SIGTERM: exit 143, "terminated"', async () => {
    const r = await interrupt(['watch', 'T-1', '--mock', 'stuck'], 'IN_PROGRESS', 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toContain('iot-task: terminated');
  });

  it('| head -1: the reader goes away, the watch stops quietly with 141 (as SIGPIPE would)', async () => {
    const started = spawnBounded(process.execPath, [cli, 'watch', TASK, '--mock'], { env: CLEAN_ENV });
    await started.printed((out) => out.includes('QUEUED'));
    started.child.stdout?.destroy();
    const r = await started.exited;
    expect(r.code).toBe(141);
    expect(r.stderr).toMatch(
      /^Using the embedded mock at http:\/\/127\.0\.0\.1:\d+ \(test credentials, signatures verified\)\n$/,
    );
  });
});

describe('iot-task query', () => {
  it('prints a table by default', async () => {
    const r = await run(['query', TASK, '--mock']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Task {6}MSnT9\*\*\*q010101\nStatus {4}QUEUED\nProgress {2}0%\nJob {7}MyTestJobIax6Eq \(sGWotgRkutxX\*\*\*\*\*\)\nDevice {4}a1S\*\*\*\*\/mydevice \(BDjhI\*\*\*\*01\)\n/,
    );
  });

  it('--json prints exactly the typed result; the same over XML, V1 and GET', async () => {
    const json = JSON.parse((await run(['query', TASK, '--mock', '--json'])).stdout);
    const xml = JSON.parse(
      (await run(['query', TASK, '--mock', '--json', '--format', 'xml', '--signature', 'v1', '--method', 'GET']))
        .stdout,
    );
    expect(Object.keys(json).sort()).toEqual(
      [
        'DeviceName',
        'IotId',
        'JobId',
        'JobName',
        'Message',
        'ProductKey',
        'Progress',
        'Status',
        'StatusDetail',
        'TaskId',
        'UtcModified',
        'UtcQueueTime',
      ].sort(),
    );
    expect(json.Progress).toBe(0);
    expect({ ...xml, UtcModified: 0, UtcQueueTime: 0 }).toEqual({ ...json, UtcModified: 0, UtcQueueTime: 0 });
  });

  it('--instance: the task of an instance, and the hint when it is missing', async () => {
    expect((await run(['query', 'T-i', '--mock', '--instance', 'iot-cn-0pp1n8t'])).code).toBe(0);
  });

  it('talks to a real endpoint with credentials from the environment', async () => {
    const server = await createMockServer({ port: 0, credentials: { 'env-key': 'env-secret' } });
    try {
      const r = await run(['query', TASK, '--endpoint', server.url, '--json'], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-key',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret',
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).TaskId).toBe(TASK);
    } finally {
      await server.close();
    }
  });
});

describe('the shared quota (IOT_TASK_QUOTA_REDIS_URL)', () => {
  const credentials = {
    ALIBABA_CLOUD_ACCESS_KEY_ID: 'iot-task-test-key',
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'iot-task-test-secret',
  };

  it('several CLIs of one account share it through Redis: none is throttled', async () => {
    const redis = await startTestRedis();
    const server = await createMockServer({ port: 0 });
    try {
      const env = { ...credentials, IOT_TASK_QUOTA_REDIS_URL: redis.url, IOT_TASK_QUOTA_ACCOUNT: 'acme' };
      // Eight at once, each its own process: more than the quota allows in one second.
      const runs = await Promise.all(
        Array.from({ length: 8 }, () => run(['query', TASK, '--endpoint', server.url], env)),
      );
      expect(runs.map((r) => r.code)).toEqual(Array(8).fill(0));
      expect(server.mock.log.filter((entry) => entry.code === 'Throttling.User')).toEqual([]);
      expect(server.mock.log).toHaveLength(8);
    } finally {
      await server.close();
      await redis.stop();
    }
  }, 30_000);

  it('a Redis that cannot be reached: one line naming it without its password, nothing sent, exit 1', async () => {
    const server = await createMockServer({ port: 0 });
    try {
      const r = await run(['query', TASK, '--endpoint', server.url], {
        ...credentials,
        IOT_TASK_QUOTA_REDIS_URL: 'redis://:pa55word-never-shown@127.0.0.1:9',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^iot-task: QuotaStoreUnavailable: the quota store redis:\/\/:\*\*\*@127\.0\.0\.1:9 cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:9\): .* — try again\n$/,
      );
      expect(r.stdout + r.stderr).not.toContain('pa55word-never-shown');
      noStackTrace(r);
      expect(server.mock.log).toHaveLength(0);
    } finally {
      await server.close();
    }
  });

  it('a malformed URL: a usage error naming the variable', async () => {
    const r = await run(['query', TASK, '--endpoint', 'http://127.0.0.1:9'], {
      ...credentials,
      IOT_TASK_QUOTA_REDIS_URL: 'http://:pa55word@host',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^iot-task: ValidationError: IOT_TASK_QUOTA_REDIS_URL: expected a Redis URL/);
    expect(r.stderr).not.toContain('pa55word');
  });
});

describe('errors: one line, the right exit code, no stack, no secret', () => {
  it('no credentials and no --mock: names the variables, exit 3', async () => {
    const r = await run(['watch', TASK]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'iot-task: no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for an STS token), or add --mock to try the embedded mock\n',
    );
  });

  it('only the secret missing: names that one variable, exit 3', async () => {
    const r = await run(['query', TASK], { ALIBABA_CLOUD_ACCESS_KEY_ID: 'some-key' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'iot-task: no credentials: set ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for an STS token), or add --mock to try the embedded mock\n',
    );
  });

  it('a bad --endpoint is a command-line mistake (exit 2) whether credentials are set or not', async () => {
    for (const env of [{}, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'k', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' }] as Record<
      string,
      string
    >[]) {
      const r = await run(['query', TASK, '--endpoint', 'ftp://nowhere'], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^iot-task: .*endpoint/);
      noStackTrace(r);
    }
  });

  it('no arguments at all: the usage on stderr and exit 2 (a script that lost its arguments is told so)', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('query <TaskId>');
    expect(r.stderr).toMatch(/iot-task: no command given; expected query, watch or mock\n$/);
  });

  it('a wrong secret: code, message, RequestId, what to do — and never the secret', async () => {
    const server = await createMockServer({ port: 0 });
    try {
      const r = await run(['query', TASK, '--endpoint', server.url], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'iot-task-test-key',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'super-secret-value-42',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^iot-task: SignatureDoesNotMatch: Specified signature is not matched with our calculation\. \(RequestId [0-9A-F-]{36}\) — check ALIBABA_CLOUD_ACCESS_KEY_SECRET\n$/,
      );
      expect(r.stdout + r.stderr).not.toContain('super-secret-value-42');
    } finally {
      await server.close();
    }
  });

  it('an unknown task: the business error and a hint, exit 1', async () => {
    const server = await createMockServer({ port: 0 });
    try {
      const r = await run(['query', 'nope', '--endpoint', server.url], {
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'iot-task-test-key',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'iot-task-test-secret',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^iot-task: iot\.job\.TaskNotFound: The specified task does not exist\. \(RequestId .+\) — check the TaskId/,
      );
    } finally {
      await server.close();
    }
  });

  it('an unreachable endpoint: a network error, exit 1', async () => {
    const r = await run(['query', TASK, '--endpoint', 'http://127.0.0.1:9', '--timeout', '3000'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'k',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^iot-task: NetworkError: QueryTask failed before an answer: .* — check --region\/--endpoint and the network\n$/,
    );
    noStackTrace(r);
  });

  const usage: [string[], string][] = [
    [['query'], 'iot-task: query: expected a TaskId. Run iot-task --help.'],
    [
      ['watch', TASK, '--frobnicate'],
      "iot-task: Unknown option '--frobnicate'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--frobnicate\". Run iot-task --help.",
    ],
    [
      ['query', TASK, '--format', 'yaml'],
      'iot-task: --format: expected json or xml, received yaml. Run iot-task --help.',
    ],
    [
      ['watch', TASK, '--mock', '--timeout=-5'],
      'iot-task: --timeout: expected milliseconds, more than 0 and at most 2147483647, received "-5". Run iot-task --help.',
    ],
    [
      ['watch', TASK, '--mock', '--timeout', '3000000000'],
      'iot-task: --timeout: expected milliseconds, more than 0 and at most 2147483647, received "3000000000". Run iot-task --help.',
    ],
    [
      ['query', TASK, '--endpoint', ''],
      'iot-task: --endpoint: expected a value, received an empty one. Run iot-task --help.',
    ],
    [
      ['query', TASK, '--mock', '--instance', ' '],
      'iot-task: --instance: expected a value, received an empty one. Run iot-task --help.',
    ],
    [
      ['query', TASK, '--region', 'cn-shanghai', '--endpoint', 'http://127.0.0.1:9'],
      'iot-task: --region and --endpoint do not go together (the endpoint decides where requests go). Run iot-task --help.',
    ],
    [
      ['query', TASK, '--mock', 'bogus'],
      'iot-task: query: expected one TaskId, received 2: "MSnT9***q010101", "bogus" (--mock takes a scenario: succeeds, fails, rejected, times-out, cancelled, stuck). Run iot-task --help.',
    ],
    [['frob'], 'iot-task: unknown command "frob"; expected query, watch or mock. Run iot-task --help.'],
    [
      ['query', 'x'.repeat(200), '--mock'],
      'iot-task: ValidationError: TaskId: expected at most 128 characters, received 200 — run iot-task --help',
    ],
    [['query', TASK, '--region', 'mars-1'], ''],
    [
      ['query', '', '--mock'],
      'iot-task: ValidationError: TaskId: expected a non-empty string (not only whitespace), received "" — run iot-task --help',
    ],
    [
      ['watch', ' \t ', '--mock'],
      'iot-task: ValidationError: TaskId: expected a non-empty string (not only whitespace), received " \\t " — run iot-task --help',
    ],
    [
      ['query', TASK, '--mock', '--instance', 'a/b'],
      'iot-task: ValidationError: IotInstanceId: expected a string matching ^[A-Za-z0-9_*-]+$, received "a/b" — run iot-task --help',
    ],
  ];
  for (const [args, line] of usage) {
    it(`usage: ${args.join(' ').slice(0, 50)} → exit 2, one line`, async () => {
      const r = await run(args, { ALIBABA_CLOUD_ACCESS_KEY_ID: 'k', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' });
      expect(r.code).toBe(2);
      // Bad input is refused before anything starts: no embedded mock, one line.
      if (line) expect(r.stderr).toBe(`${line}\n`);
      else
        expect(r.stderr).toMatch(
          /^iot-task: ValidationError: region: expected a region where Iot 2018-01-20 has an endpoint \(.*\), or an explicit endpoint, received "mars-1" — run iot-task --help\n$/,
        );
      noStackTrace(r);
    });
  }

  it('credentials that are set but unusable: the variable and why, never its value, exit 3', async () => {
    const r = await run(['query', TASK, '--endpoint', 'http://127.0.0.1:9'], {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'k',
      // Surrounding whitespace is trimmed (fromEnv, as for a value read from a file); a control character inside is not.
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret-with-a-\u0007-bell',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      'iot-task: InvalidCredentials: ALIBABA_CLOUD_ACCESS_KEY_SECRET: expected a non-empty string without control characters — correct it, or add --mock to try the embedded mock\n',
    );
  });

  it("a server's text is printed, never obeyed: escape sequences and line breaks are shown escaped", async () => {
    const { createServer } = await import('node:http');
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-acs-request-id': 'R-evil' }).end(
        JSON.stringify({
          RequestId: 'R-evil',
          Success: true,
          Data: {
            TaskId: TASK,
            Status: 'FAILED',
            Progress: 10,
            JobId: 'J',
            JobName: '\u001b]0;owned\u0007job',
            IotId: 'i',
            ProductKey: 'p',
            DeviceName: 'dev\u001b[2J',
            Message: 'bad\nFAKE LINE\u009b31m',
            UtcModified: '2019-05-21T13:03:56.000Z',
            UtcQueueTime: '2019-05-21T13:03:53.000Z',
          },
        }),
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(evil.address() as import('node:net').AddressInfo).port}`;
      const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'k', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' };
      for (const args of [
        ['query', TASK],
        ['watch', TASK],
        ['query', TASK, '--json'],
      ]) {
        const r = await run([...args, '--endpoint', url], env);
        const controls = [...(r.stdout + r.stderr)].filter((c) => {
          const code = c.charCodeAt(0);
          return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f);
        });
        expect(controls).toEqual([]);
        expect(r.stdout).not.toMatch(/^FAKE LINE/m);
      }
      const table = await run(['query', TASK, '--endpoint', url], env);
      expect(table.stdout).toContain('Message   bad\\x0aFAKE LINE\\x9b31m');
      const json = await run(['query', TASK, '--endpoint', url, '--json'], env);
      expect(JSON.parse(json.stdout).DeviceName).toBe('dev\u001b[2J');
    } finally {
      evil.closeAllConnections();
      evil.close();
    }
  });

  it('an output that cannot be written (a full disk): one line, exit 1', async () => {
    const r = await runBounded('sh', ['-c', `'${process.execPath}' '${cli}' query '${TASK}' --mock > /dev/full`], {
      env: CLEAN_ENV,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('iot-task: could not write the output (ENOSPC); it is incomplete\n');
    noStackTrace(r);
  });

  it('--help documents the commands and the exit codes; --version prints it', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const text of ['query <TaskId>', 'watch <TaskId>', '--mock [scenario]', '10   FAILED', '4    watch gave up'])
      expect(help.stdout).toContain(text);
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('iot-task mock', () => {
  it('runs the mock server standalone until SIGTERM', async () => {
    const r = await interrupt(['mock', '--port', '0'], 'Press Ctrl+C', 'SIGTERM');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('iot-task-mock: stopped');
  });

  it('serves on when the reader of its output goes away (| grep -m1 listening)', async () => {
    const started = spawnBounded(process.execPath, [cli, 'mock', '--port', '0'], { env: CLEAN_ENV });
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(
      await started.printed((out) => out.includes('Press Ctrl+C')),
    )?.[1];
    started.child.stdout?.destroy();
    expect((await fetch(`${url}/__mock/stats`)).status).toBe(200);
    started.child.kill('SIGTERM');
    const r = await started.exited;
    expect(r.code).toBe(0);
    noStackTrace(r);
  });
});
