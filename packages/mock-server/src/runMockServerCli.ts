import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import { actions } from '@iot-task/spec';
import { createMockServer, type MockServer, type MockServerOptions } from './createMockServer.ts';

const SECRET_ENV = 'IOT_TASK_MOCK_ACCESS_KEY_SECRET';

export const MOCK_SERVER_USAGE = `Usage: iot-task-mock [options]

Serves a stateful mock of Alibaba Cloud IoT Platform over HTTP: every action of the spec
(${Object.keys(actions).join(', ')}).

Options:
  --port <n>                  port to listen on (default 4010; 0 picks a free one)
  --host <address>            address to bind (default 127.0.0.1)
  --access-key-id <id>        AccessKey ID to accept (default ${TEST_CREDENTIALS.accessKeyId})
  --access-key-secret-file <path>
                              its secret, read from a file (or set ${SECRET_ENV});
                              --access-key-secret <s> works too, but every local user sees
                              it in \`ps\` (default ${TEST_CREDENTIALS.accessKeySecret})
  --no-verify                 accept requests without checking signatures
  --no-quota                  do not enforce each API's quota (from the spec; 5 requests per
                              second per AccessKey for QueryTask)
  --quota <n>                 enforce n requests per second per AccessKey and API instead (a faster mock
                              for tests; the contract kit takes the same --quota)
  --advance <per-query|ms>    tasks move one step per query (default) or every <ms>
  -h, --help                  show this help

Control (JSON): GET|POST /__mock/tasks, POST /__mock/faults, POST /__mock/reset, GET /__mock/stats`;

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
): MockServerOptions & { help?: boolean; customSecret: boolean; warnings: string[] } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        'access-key-secret-file': { type: 'string' },
        'no-verify': { type: 'boolean' },
        'no-quota': { type: 'boolean' },
        quota: { type: 'string' },
        advance: { type: 'string' },
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
  const warnings: string[] = [];
  const secret = secretOf(values, id === undefined ? {} : env, warnings);
  if ((id === undefined) !== (secret === undefined))
    throw new UsageError(`--access-key-id and its secret (--access-key-secret-file or ${SECRET_ENV}) go together`);
  if (id !== undefined && (id.trim() === '' || (secret as string).trim() === ''))
    throw new UsageError('--access-key-id and --access-key-secret must not be empty');
  let advance: MockServerOptions['advance'];
  if (values.advance !== undefined && values.advance !== 'per-query') {
    const everyMs = /^\d+$/.test(values.advance as string) ? Number(values.advance) : 0;
    if (!(everyMs >= 1 && everyMs <= 2 ** 31 - 1))
      throw new UsageError(
        `--advance: expected per-query or whole milliseconds from 1 to 2147483647, received ${JSON.stringify(values.advance)}`,
      );
    advance = { everyMs };
  }
  return {
    port,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    credentials:
      id === undefined
        ? { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.accessKeySecret }
        : { [id]: secret as string },
    verifySignatures: !values['no-verify'],
    ...(values['no-quota'] ? { quota: false as const } : quotaOf(values.quota as string | undefined)),
    ...(advance ? { advance } : {}),
    customSecret: id !== undefined,
    warnings,
  };
}

function quotaOf(value: string | undefined): { quota?: { requestsPerSecond: number } } {
  if (value === undefined) return {};
  const rate = Number(value);
  if (!Number.isInteger(rate) || rate < 1 || rate > 10_000)
    throw new UsageError(`--quota: expected a whole number of requests per second, received ${value}`);
  return { quota: { requestsPerSecond: rate } };
}

/** The secret from a file, the environment, or (with a warning) the command line. */
function secretOf(
  values: Record<string, string | boolean | undefined>,
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
  const advance =
    options.advance && options.advance !== 'per-query'
      ? `one step every ${options.advance.everyMs} ms`
      : 'one step per query';
  return [
    `IoT Platform mock listening on ${server.url}`,
    `  Actions:          ${Object.keys(actions).join(', ')}`,
    `  AccessKey ID:     ${id}`,
    `  AccessKey secret: ${shown}`,
    `  Signatures: ${options.verifySignatures === false ? 'not checked' : 'verified (V3 and RPC HMAC-SHA1)'}; quota: ${options.quota === false ? 'off' : options.quota?.requestsPerSecond ? `${options.quota.requestsPerSecond} requests/s per AccessKey and API` : "each API's, per AccessKey"}`,
    `  Example task: ${EXAMPLE_TASK_ID} (scenario succeeds, ${advance})`,
    '  Control: GET|POST /__mock/tasks  POST /__mock/faults  POST /__mock/reset  GET /__mock/stats',
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
  const { customSecret: _custom, help: _help, warnings, ...serverOptions } = options;
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
