import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_SERVER_USAGE, parseMockServerArgs, UsageError } from '../src/index.ts';

let dir: string;
const file = (name: string) => path.join(dir, name);
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mock-args-'));
  await writeFile(file('two.json'), JSON.stringify({ 'AK-ci': 'secret-ci-1234', 'AK-dev': 'secret-dev-5678' }));
  await writeFile(file('broken.json'), '{ "AK-ci": "top-secret-value", ');
  await writeFile(file('array.json'), '["top-secret-value"]');
  await writeFile(file('empty.json'), '{}');
  await writeFile(file('number.json'), '{ "AK-ci": 42 }');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The UsageError message the arguments draw. */
function usageError(argv: string[]): string {
  try {
    parseMockServerArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('iot-task-mock flags: several AccessKeys, accounts, quota counting', () => {
  it('--credentials-file: several AccessKeys from JSON; the secrets are the user’s', () => {
    const options = parseMockServerArgs(['--credentials-file', file('two.json')]);
    expect(options.credentials).toEqual({ 'AK-ci': 'secret-ci-1234', 'AK-dev': 'secret-dev-5678' });
    expect(options.customSecret).toBe(true);
    expect(options.credentialsFile).toBe(file('two.json'));
  });

  it('--account (repeatable): AccessKey ID → account', () => {
    const options = parseMockServerArgs([
      '--credentials-file',
      file('two.json'),
      '--account',
      'acme=AK-ci, AK-dev',
      '--account',
      'acme=AK-ci',
    ]);
    expect(options.accounts).toEqual({ 'AK-ci': 'acme', 'AK-dev': 'acme' });
    // Unverified, any AccessKey ID a request claims may be named.
    expect(parseMockServerArgs(['--no-verify', '--account', 'a=x,y', '--account', 'b=z']).accounts).toEqual({
      x: 'a',
      y: 'a',
      z: 'b',
    });
    expect(parseMockServerArgs([]).accounts).toBeUndefined();
    // Any AccessKey ID is a key like any other, `__proto__` too.
    expect(Object.entries(parseMockServerArgs(['--no-verify', '--account', 'a=__proto__']).accounts ?? {})).toEqual([
      ['__proto__', 'a'],
    ]);
  });

  it('--quota-counting and --quota, alone or together; --log-limit', () => {
    expect(parseMockServerArgs([]).quota).toBeUndefined();
    expect(parseMockServerArgs(['--quota-counting', 'token-bucket']).quota).toEqual({ counting: 'token-bucket' });
    expect(parseMockServerArgs(['--quota', '20', '--quota-counting', 'sliding-window']).quota).toEqual({
      requestsPerSecond: 20,
      counting: 'sliding-window',
    });
    expect(parseMockServerArgs(['--quota', '20']).quota).toEqual({ requestsPerSecond: 20 });
    expect(parseMockServerArgs(['--log-limit', '50000']).logLimit).toBe(50_000);
  });

  it('bad input: one line naming the flag and what was expected, never a secret', () => {
    const cases: [string[], string][] = [
      [['--quota-counting', 'fixed'], '--quota-counting: expected sliding-window or token-bucket, received "fixed"'],
      [['--quota-counting', 'token-bucket', '--no-quota'], '--quota-counting and --no-quota do not go together'],
      [['--account', 'acme'], '--account: expected <name>=<AccessKeyId>[,<AccessKeyId>...], received "acme"'],
      [['--account', '=AK'], '--account: expected <name>=<AccessKeyId>[,<AccessKeyId>...], received "=AK"'],
      [['--account', 'acme=AK,'], '--account: expected <name>=<AccessKeyId>[,<AccessKeyId>...], received "acme=AK,"'],
      [
        ['--account', 'acme=AK-nope'],
        '--account: AccessKey "AK-nope" of account "acme" is not one the mock accepts (--access-key-id or --credentials-file)',
      ],
      [
        ['--credentials-file', file('two.json'), '--account', 'a=AK-ci', '--account', 'b=AK-ci'],
        '--account: AccessKey "AK-ci" is given to accounts "a" and "b"; an AccessKey belongs to one account',
      ],
      [
        ['--credentials-file', file('two.json'), '--access-key-id', 'k'],
        '--credentials-file and --access-key-id (--access-key-secret, --access-key-secret-file) do not go together',
      ],
      [
        ['--credentials-file', file('broken.json')],
        `--credentials-file: expected JSON { "<AccessKeyId>": "<secret>", ... } in ${file('broken.json')}, which is not JSON`,
      ],
      [
        ['--credentials-file', file('array.json')],
        `--credentials-file: expected a JSON object { "<AccessKeyId>": "<secret>", ... } in ${file('array.json')}, received an array`,
      ],
      [
        ['--credentials-file', file('empty.json')],
        `--credentials-file: expected at least one AccessKey in ${file('empty.json')}`,
      ],
      [
        ['--credentials-file', file('number.json')],
        `--credentials-file: expected the secret of "AK-ci" in ${file('number.json')} to be a non-empty string`,
      ],
      [
        ['--host', 'evil host'],
        '--host: expected an address or host name to bind (127.0.0.1, 0.0.0.0, ::1), received "evil host"',
      ],
      [['--log-limit', '0'], '--log-limit: expected a whole number from 1 to 1000000, received "0"'],
      [['--log-limit', '2000000'], '--log-limit: expected a whole number from 1 to 1000000, received "2000000"'],
    ];
    for (const [argv, message] of cases) {
      const received = usageError(argv);
      expect(received).toBe(message);
      expect(received).not.toContain('top-secret-value');
      expect(received).not.toContain('\n');
    }
    expect(usageError(['--credentials-file', file('missing.json')])).toMatch(
      /^--credentials-file: cannot read .*missing\.json \(ENOENT\)$/,
    );
  });

  it('--allow-host (repeatable): Hosts the control surface answers besides loopback and --host', () => {
    expect(parseMockServerArgs([]).allowedHosts).toBeUndefined();
    expect(
      parseMockServerArgs([
        '--allow-host',
        'mock.internal',
        '--allow-host',
        '192.168.1.20',
        '--allow-host',
        '[fd00::1]',
      ]).allowedHosts,
    ).toEqual(['mock.internal', '192.168.1.20', '[fd00::1]']);
    for (const bad of ['', 'mock.internal:4010', 'http://mock.internal', 'evil example', '-mock', 'mock/x'])
      expect(usageError([`--allow-host=${bad}`])).toBe(
        `--allow-host: expected a host name or address (mock.internal, 192.168.1.20, [fd00::1]), received ${JSON.stringify(bad)}`,
      );
  });

  it('--help names every flag', () => {
    for (const flag of [
      '--allow-host',
      '--credentials-file',
      '--account',
      '--quota-counting',
      '--log-limit',
      'GET /__mock/log',
    ])
      expect(MOCK_SERVER_USAGE).toContain(flag);
  });
});
