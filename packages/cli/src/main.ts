import {
  AbortedError,
  createIotTaskClient,
  fromEnv,
  type IotTaskClient,
  type QuotaStore,
  type TaskResult,
  validateActionParams,
} from '@iot-task/client';
import { printableFields, printableJson } from '@iot-task/client/terminal-text';
import { createMockServer, type MockServer, runMockServerCli } from '@iot-task/mock-server';
import { EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import packageJson from '../package.json' with { type: 'json' };
import { describeError } from './describeError.ts';
import { EXIT, exitForStatus } from './exitCodes.ts';
import { formatTask } from './formatTask.ts';
import { parseCommandLine, type TaskCommand } from './parseCommandLine.ts';
import { createProgressView, type OutputStream } from './progressView.ts';
import { USAGE } from './usage.ts';

/** Why a run was stopped from outside: a signal, the output's reader going away, or the output failing. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'EPIPE' | 'OUTPUT';

export interface CliEnvironment {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  stdout: OutputStream;
  stderr: OutputStream;
  /** Aborted, with a StopReason, on SIGINT/SIGTERM or when stdout's reader went away. */
  signal?: AbortSignal;
}

/** Polls against the embedded mock go faster: it moves one step per query anyway. */
const MOCK_INTERVAL_MS = 250;

/**
 * The account's quota shared through Redis, when the environment names one
 * (IOT_TASK_QUOTA_REDIS_URL, IOT_TASK_QUOTA_ACCOUNT): many CLIs and services of one account then
 * keep one quota. Loaded only then.
 */
async function sharedQuota(env: CliEnvironment['env']): Promise<(QuotaStore & { close(): Promise<void> }) | undefined> {
  if (!env.IOT_TASK_QUOTA_REDIS_URL) return undefined;
  const { redisQuotaFromEnv } = await import('@iot-task/quota-redis');
  return redisQuotaFromEnv(env);
}

async function connect(
  cmd: TaskCommand,
  environment: CliEnvironment,
): Promise<{ client: IotTaskClient; server: MockServer | undefined; quota?: { close(): Promise<void> } | undefined }> {
  const common = { signatureVersion: cmd.signature, format: cmd.format, method: cmd.method } as const;
  if (cmd.mock) {
    const server = await createMockServer({ port: 0 });
    try {
      if (cmd.mock.scenario !== undefined || cmd.taskId !== EXAMPLE_TASK_ID || cmd.instance !== undefined) {
        server.mock.tasks.seed({
          TaskId: cmd.taskId,
          scenario: cmd.mock.scenario ?? 'succeeds',
          ...(cmd.instance !== undefined ? { IotInstanceId: cmd.instance } : {}),
        });
      }
    } catch (error) {
      await server.close();
      throw error;
    }
    environment.stderr.write(`Using the embedded mock at ${server.url} (test credentials, signatures verified)\n`);
    return { client: createIotTaskClient({ ...common, endpoint: server.url, credentials: TEST_CREDENTIALS }), server };
  }
  const options = {
    ...common,
    credentials: fromEnv(environment.env),
    ...(cmd.endpoint !== undefined
      ? { endpoint: cmd.endpoint }
      : { region: cmd.region ?? environment.env.ALIBABA_CLOUD_REGION_ID ?? 'cn-shanghai' }),
  };
  // What is wrong on the command line is said first (a bad --endpoint or --region: exit 2), then
  // what is missing from the environment (credentials: exit 3), before the shared quota connects.
  createIotTaskClient(options);
  await options.credentials();
  const quota = await sharedQuota(environment.env);
  const client = createIotTaskClient({ ...options, ...(quota ? { quota } : {}) });
  return { client, server: undefined, quota };
}

async function runTask(cmd: TaskCommand, environment: CliEnvironment): Promise<number> {
  const params =
    cmd.instance !== undefined ? { TaskId: cmd.taskId, IotInstanceId: cmd.instance } : { TaskId: cmd.taskId };
  // Bad input is a usage error before anything starts (no mock server, no request).
  validateActionParams('QueryTask', params);
  const { client, server, quota } = await connect(cmd, environment);
  const signal = environment.signal;
  try {
    if (cmd.command === 'query') {
      const { Data: task } = await client.queryTask(params, {
        ...(cmd.timeoutMs ? { timeoutMs: cmd.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
      environment.stdout.write(`${cmd.json ? printableJson(task) : formatTask(printableFields(task))}\n`);
      return EXIT.ok;
    }
    const view = createProgressView(cmd.json ? environment.stderr : environment.stdout);
    let final: TaskResult | undefined;
    try {
      final = await client.waitForTask(cmd.taskId, {
        ...(cmd.instance !== undefined ? { IotInstanceId: cmd.instance } : {}),
        intervalMs: cmd.intervalMs ?? (server ? MOCK_INTERVAL_MS : 1000),
        ...(cmd.timeoutMs ? { timeoutMs: cmd.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
        onProgress: (task) => view.update(printableFields(task)),
      });
    } finally {
      view.finish(final && printableFields(final));
    }
    if (cmd.json) environment.stdout.write(`${printableJson(final)}\n`);
    return exitForStatus(final.Status);
  } finally {
    await server?.close();
    await quota?.close();
  }
}

/** A signal that follows `signal` only when it stops the run for SIGINT or SIGTERM. */
function onSignalOnly(signal: AbortSignal | undefined): AbortSignal | undefined {
  if (!signal) return undefined;
  const controller = new AbortController();
  const follow = () => {
    if (signal.reason === 'SIGINT' || signal.reason === 'SIGTERM') controller.abort(signal.reason);
  };
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  return controller.signal;
}

/** `iot-task`: resolves with the exit code; writes nothing but its own lines (no stack traces). */
export async function main(environment: CliEnvironment): Promise<number> {
  try {
    const commandLine = parseCommandLine(environment.argv);
    switch (commandLine.command) {
      case 'help':
        environment.stdout.write(`${USAGE}\n`);
        return EXIT.ok;
      case 'nothing':
        // No command at all is a mistake (a script that lost its arguments), not a request for help.
        environment.stderr.write(`${USAGE}\n\niot-task: no command given; expected query, watch or mock\n`);
        return EXIT.usage;
      case 'version':
        environment.stdout.write(`${packageJson.version}\n`);
        return EXIT.ok;
      case 'mock':
        // A server serves on when its log's reader goes away; only a signal stops it.
        return await runMockServerCli(
          commandLine.args,
          {
            out: (line) => environment.stdout.write(`${line}\n`),
            err: (line) => environment.stderr.write(`${line}\n`),
          },
          onSignalOnly(environment.signal),
          environment.env,
        );
      default:
        return await runTask(commandLine, environment);
    }
  } catch (error) {
    const stopped = environment.signal?.aborted ? (environment.signal.reason as StopReason) : undefined;
    if (stopped === 'EPIPE') return EXIT.brokenPipe;
    if (stopped === 'OUTPUT') return EXIT.error;
    if (stopped !== undefined && (error instanceof AbortedError || !(error instanceof Error))) {
      environment.stderr.write(`iot-task: ${stopped === 'SIGTERM' ? 'terminated' : 'interrupted'}\n`);
      return stopped === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
    }
    const { line, exitCode } = describeError(error);
    environment.stderr.write(`${line}\n`);
    return exitCode;
  }
}
