import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXAMPLE_TASK_ID, IotMockOptionError, type QuotaCounting, TEST_CREDENTIALS } from '@iot-task/msw';
import { actions } from '@iot-task/spec';
import { createMockServer, type MockServer, type MockServerOptions } from './createMockServer.ts';

const SECRET_ENV = 'IOT_TASK_MOCK_ACCESS_KEY_SECRET';
const MAX_LOG_LIMIT = 1_000_000;
const COUNTINGS: readonly QuotaCounting[] = ['sliding-window', 'token-bucket'];
const ACCOUNT_SHAPE = '<name>=<AccessKeyId>[,<AccessKeyId>...]';
/** A name or address as a Host header carries it, without a port (the mock allows any port of it). */
const HOST_NAME = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?)$/i;

/** What the command line says beyond the server's options: how to describe it, what to warn of. */
interface CliExtras {
  help?: boolean;
  /** The credentials are the user's (not the test ones): their secrets are never shown whole. */
  customSecret: boolean;
  /** Where the credentials came from, when from --credentials-file. */
  credentialsFile?: string;
  warnings: string[];
}

export const MOCK_SERVER_USAGE = `Usage: iot-task-mock [options]

Serves a stateful mock of Alibaba Cloud IoT Platform over HTTP: every action of the spec
(${Object.keys(actions).join(', ')}).

Options:
  --port <n>                  port to listen on (default 4010; 0 picks a free one)
  --host <address>            address to bind (default 127.0.0.1)
  --allow-host <name>         the control surface (/__mock/) also answers requests for this
                              Host (a LAN address, a container's name); repeatable. Loopback
                              names and the --host address are always answered
  --access-key-id <id>        AccessKey ID to accept (default ${TEST_CREDENTIALS.accessKeyId})
  --access-key-secret-file <path>
                              its secret, read from a file (or set ${SECRET_ENV});
                              --access-key-secret <s> works too, but every local user sees
                              it in \`ps\` (default ${TEST_CREDENTIALS.accessKeySecret})
  --credentials-file <path>   several AccessKeys instead: a JSON file
                              { "<AccessKeyId>": "<secret>", ... } (secrets never printed)
  --account <name>=<AccessKeyId>[,<AccessKeyId>...]
                              these AccessKeys are one account's (its RAM users): they share
                              its quota; repeatable. An AccessKey not named is its own account
  --no-verify                 accept requests without checking signatures
  --no-quota                  do not enforce each API's quota (from the spec; 5 requests per
                              second per account for QueryTask)
  --quota <n>                 enforce n requests per second per account and API instead (a faster mock
                              for tests; the contract kit takes the same --quota)
  --quota-counting <sliding-window|token-bucket>
                              sliding-window (default): never more than the quota within any
                              1000 ms; token-bucket: the quota on average, up to twice it in
                              one sliding second
  --advance <per-query|ms>    tasks move one step per query (default) or every <ms>
  --log-limit <n>             answers kept in the log (GET /__mock/log), 1 to ${MAX_LOG_LIMIT} (default 10000)
  -h, --help                  show this help

Control (JSON): GET|POST /__mock/tasks, POST /__mock/faults, POST /__mock/reset, GET /__mock/log
(every answer: at, account, action, taskId, httpStatus, code), GET /__mock/stats`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads the command line into server options; throws UsageError with a one-line reason. */
export function parseMockServerArgs(
  argv: string[],
  env: Readonly<Record<string, string | undefined>> = {},
): MockServerOptions & CliExtras {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'allow-host': { type: 'string', multiple: true },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        'access-key-secret-file': { type: 'string' },
        'credentials-file': { type: 'string' },
        account: { type: 'string', multiple: true },
        'no-verify': { type: 'boolean' },
        'no-quota': { type: 'boolean' },
        quota: { type: 'string' },
        'quota-counting': { type: 'string' },
        advance: { type: 'string' },
        'log-limit': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  if (values.help) return { help: true, customSecret: false, warnings: [] };
  const port = values.port === undefined ? 4010 : /^\d{1,5}$/.test(values.port as string) ? Number(values.port) : -1;
  if (port < 0 || port > 65535)
    throw new UsageError(`--port: expected 0–65535, received ${JSON.stringify(values.port)}`);
  const id = values['access-key-id'] as string | undefined;
  const credentialsFile = values['credentials-file'] as string | undefined;
  if (
    credentialsFile !== undefined &&
    (id !== undefined || values['access-key-secret'] !== undefined || values['access-key-secret-file'] !== undefined)
  )
    throw new UsageError(
      '--credentials-file and --access-key-id (--access-key-secret, --access-key-secret-file) do not go together',
    );
  const warnings: string[] = [];
  const secret = secretOf(values, id === undefined ? {} : env, warnings);
  if ((id === undefined) !== (secret === undefined))
    throw new UsageError(`--access-key-id and its secret (--access-key-secret-file or ${SECRET_ENV}) go together`);
  if (id !== undefined && (id.trim() === '' || (secret as string).trim() === ''))
    throw new UsageError('--access-key-id and --access-key-secret must not be empty');
  const credentials =
    credentialsFile !== undefined
      ? credentialsFrom(credentialsFile)
      : id === undefined
        ? { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.accessKeySecret }
        : { [id]: secret as string };
  const verifySignatures = !values['no-verify'];
  const accounts = accountsOf(values.account as string[] | undefined, credentials, verifySignatures);
  const counting = values['quota-counting'] as string | undefined;
  if (counting !== undefined && !COUNTINGS.includes(counting as QuotaCounting))
    throw new UsageError(`--quota-counting: expected ${COUNTINGS.join(' or ')}, received ${JSON.stringify(counting)}`);
  if (counting !== undefined && values['no-quota'])
    throw new UsageError('--quota-counting and --no-quota do not go together');
  const logLimit = values['log-limit'] as string | undefined;
  if (
    logLimit !== undefined &&
    !(/^\d{1,7}$/.test(logLimit) && Number(logLimit) >= 1 && Number(logLimit) <= MAX_LOG_LIMIT)
  )
    throw new UsageError(
      `--log-limit: expected a whole number from 1 to ${MAX_LOG_LIMIT}, received ${JSON.stringify(logLimit)}`,
    );
  let advance: MockServerOptions['advance'];
  if (values.advance !== undefined && values.advance !== 'per-query') {
    const everyMs = /^\d+$/.test(values.advance as string) ? Number(values.advance) : 0;
    if (!(everyMs >= 1 && everyMs <= 2 ** 31 - 1))
      throw new UsageError(
        `--advance: expected per-query or whole milliseconds from 1 to 2147483647, received ${JSON.stringify(values.advance)}`,
      );
    advance = { everyMs };
  }
  const host = (values.host as string | undefined) ?? '127.0.0.1';
  if (!HOST_NAME.test(host) && !/^[0-9a-f:.]+$/i.test(host))
    throw new UsageError(
      `--host: expected an address or host name to bind (127.0.0.1, 0.0.0.0, ::1), received ${JSON.stringify(host)}`,
    );
  const allowedHosts = values['allow-host'] as string[] | undefined;
  for (const name of allowedHosts ?? []) {
    if (!HOST_NAME.test(name))
      throw new UsageError(
        `--allow-host: expected a host name or address (mock.internal, 192.168.1.20, [fd00::1]), received ${JSON.stringify(name)}`,
      );
  }
  return {
    port,
    host,
    ...(allowedHosts ? { allowedHosts } : {}),
    credentials,
    ...(accounts ? { accounts } : {}),
    verifySignatures,
    ...(values['no-quota']
      ? { quota: false as const }
      : quotaOf(values.quota as string | undefined, counting as QuotaCounting | undefined)),
    ...(advance ? { advance } : {}),
    ...(logLimit === undefined ? {} : { logLimit: Number(logLimit) }),
    customSecret: id !== undefined || credentialsFile !== undefined,
    ...(credentialsFile === undefined ? {} : { credentialsFile }),
    warnings,
  };
}

function quotaOf(
  value: string | undefined,
  counting: QuotaCounting | undefined,
): { quota?: { requestsPerSecond?: number; counting?: QuotaCounting } } {
  const quota: { requestsPerSecond?: number; counting?: QuotaCounting } = counting ? { counting } : {};
  if (value !== undefined) {
    const rate = Number(value);
    if (!Number.isInteger(rate) || rate < 1 || rate > 10_000)
      throw new UsageError(`--quota: expected a whole number of requests per second, received ${value}`);
    quota.requestsPerSecond = rate;
  }
  return Object.keys(quota).length > 0 ? { quota } : {};
}

/**
 * Several AccessKeys from a JSON file `{ "<AccessKeyId>": "<secret>", ... }`. No message quotes
 * the file's text: it holds secrets (a JSON syntax error's message would show some of it).
 */
function credentialsFrom(file: string): Record<string, string> {
  const shape = '{ "<AccessKeyId>": "<secret>", ... }';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--credentials-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`--credentials-file: expected JSON ${shape} in ${file}, which is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new UsageError(
      `--credentials-file: expected a JSON object ${shape} in ${file}, received ${parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`}`,
    );
  const entries = Object.entries(parsed);
  if (entries.length === 0) throw new UsageError(`--credentials-file: expected at least one AccessKey in ${file}`);
  // Built as entries, so that an AccessKey ID such as `__proto__` is a key like any other.
  const credentials = new Map<string, string>();
  for (const [accessKeyId, secret] of entries) {
    if (accessKeyId.trim() === '') throw new UsageError(`--credentials-file: an AccessKey ID in ${file} is empty`);
    if (typeof secret !== 'string' || secret.trim() === '')
      throw new UsageError(
        `--credentials-file: expected the secret of ${JSON.stringify(accessKeyId)} in ${file} to be a non-empty string`,
      );
    credentials.set(accessKeyId, secret);
  }
  return Object.fromEntries(credentials);
}

/** `--account acme=AK1,AK2` (repeatable) as AccessKey ID → account; each AccessKey in one account. */
function accountsOf(
  given: readonly string[] | undefined,
  credentials: Readonly<Record<string, string>>,
  verifySignatures: boolean,
): Record<string, string> | undefined {
  if (!given || given.length === 0) return undefined;
  const accounts = new Map<string, string>();
  for (const value of given) {
    const match = /^([^=]*)=(.*)$/s.exec(value);
    const name = match?.[1]?.trim() ?? '';
    const ids = (match?.[2] ?? '').split(',').map((id) => id.trim());
    if (name === '' || ids.some((id) => id === ''))
      throw new UsageError(`--account: expected ${ACCOUNT_SHAPE}, received ${JSON.stringify(value)}`);
    for (const id of ids) {
      const before = accounts.get(id);
      if (before !== undefined && before !== name)
        throw new UsageError(
          `--account: AccessKey ${JSON.stringify(id)} is given to accounts ${JSON.stringify(before)} and ${JSON.stringify(name)}; an AccessKey belongs to one account`,
        );
      if (verifySignatures && !Object.hasOwn(credentials, id))
        throw new UsageError(
          `--account: AccessKey ${JSON.stringify(id)} of account ${JSON.stringify(name)} is not one the mock accepts (--access-key-id or --credentials-file)`,
        );
      accounts.set(id, name);
    }
  }
  return Object.fromEntries(accounts);
}

/** The secret from a file, the environment, or (with a warning) the command line. */
function secretOf(
  values: Record<string, string | boolean | string[] | undefined>,
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): string | undefined {
  const file = values['access-key-secret-file'] as string | undefined;
  const given = values['access-key-secret'] as string | undefined;
  if (file !== undefined && given !== undefined)
    throw new UsageError('--access-key-secret-file and --access-key-secret do not go together');
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new UsageError(
        `--access-key-secret-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  if (given !== undefined) {
    warnings.push(
      `iot-task-mock: warning: --access-key-secret is visible to every local user (ps); prefer --access-key-secret-file or ${SECRET_ENV}`,
    );
    return given;
  }
  return env[SECRET_ENV];
}

/** The lines printed on start: where it listens and what it accepts. */
export function describeMockServer(server: MockServer, options: ReturnType<typeof parseMockServerArgs>): string[] {
  const [id, secret] = Object.entries(options.credentials ?? {})[0] ?? ['', ''];
  const shown = options.customSecret
    ? `${'*'.repeat(Math.max(0, secret.length - 4))}${secret.slice(-4)} (as given)`
    : `${secret} (test credentials, not a secret)`;
  const keys = options.credentialsFile
    ? [
        `  AccessKey IDs:    ${Object.keys(options.credentials ?? {}).join(', ')}`,
        `  Secrets:          from ${options.credentialsFile} (not shown)`,
      ]
    : [`  AccessKey ID:     ${id}`, `  AccessKey secret: ${shown}`];
  const members = new Map<string, string[]>();
  for (const [key, account] of Object.entries(options.accounts ?? {}))
    members.set(account, [...(members.get(account) ?? []), key]);
  const accounts =
    members.size === 0
      ? []
      : [`  Accounts:         ${[...members].map(([account, ids]) => `${account} = ${ids.join(', ')}`).join('; ')}`];
  const quota = options.quota;
  const quotaText =
    quota === false
      ? 'off'
      : `${quota?.requestsPerSecond ? `${quota.requestsPerSecond} requests/s` : "each API's"} per account and API, ${quota?.counting === 'token-bucket' ? 'token bucket' : 'sliding second'}`;
  const advance =
    options.advance && options.advance !== 'per-query'
      ? `one step every ${options.advance.everyMs} ms`
      : 'one step per query';
  return [
    `IoT Platform mock listening on ${server.url}`,
    `  Actions:          ${Object.keys(actions).join(', ')}`,
    ...keys,
    ...accounts,
    `  Signatures: ${options.verifySignatures === false ? 'not checked' : 'verified (V3 and RPC HMAC-SHA1)'}; quota: ${quotaText}`,
    `  Example task: ${EXAMPLE_TASK_ID} (scenario succeeds, ${advance})`,
    '  Control: GET|POST /__mock/tasks  POST /__mock/faults  POST /__mock/reset  GET /__mock/log  GET /__mock/stats',
  ];
}

/**
 * Runs `iot-task-mock` until SIGINT/SIGTERM; resolves with the exit code. Errors are one line,
 * never a stack trace.
 */
export async function runMockServerCli(
  argv: string[],
  io: CliIo,
  signal?: AbortSignal,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  let options: ReturnType<typeof parseMockServerArgs>;
  try {
    options = parseMockServerArgs(argv, env);
  } catch (error) {
    io.err(`iot-task-mock: ${(error as Error).message}. Run iot-task-mock --help.`);
    return 2;
  }
  if (options.help) {
    io.out(MOCK_SERVER_USAGE);
    return 0;
  }
  const { customSecret: _custom, credentialsFile: _file, help: _help, warnings, ...serverOptions } = options;
  for (const warning of warnings) io.err(warning);
  // Listen for the signals before anything starts, so one that comes while starting (or the
  // instant the banner is out) still ends the server cleanly instead of killing it.
  let onStop = () => {};
  const stopped = new Promise<void>((resolve) => {
    onStop = () => resolve();
  });
  process.once('SIGINT', onStop);
  process.once('SIGTERM', onStop);
  signal?.addEventListener('abort', onStop, { once: true });
  try {
    let server: MockServer;
    try {
      server = await createMockServer(serverOptions);
    } catch (error) {
      // Every option is checked above; should the mock still refuse one, it is a usage error too.
      if (error instanceof IotMockOptionError) {
        io.err(`iot-task-mock: ${error.message}. Run iot-task-mock --help.`);
        return 2;
      }
      const code = (error as NodeJS.ErrnoException).code;
      io.err(
        code === 'EADDRINUSE'
          ? `iot-task-mock: port ${options.port} is in use; pick another with --port (0 picks a free one)`
          : `iot-task-mock: could not listen on ${options.host}:${options.port}: ${(error as Error).message}`,
      );
      return 1;
    }
    for (const line of describeMockServer(server, options)) io.out(line);
    io.out('Press Ctrl+C to stop.');
    await stopped;
    await server.close();
    io.out('iot-task-mock: stopped');
    return 0;
  } finally {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    signal?.removeEventListener('abort', onStop);
  }
}
