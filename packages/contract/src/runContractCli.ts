import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isIotTaskError } from '@iot-task/client';
import { oneLine } from '@iot-task/client/terminal-text';
import { TEST_CREDENTIALS } from '@iot-task/msw';
import { redisQuotaFromEnv } from '@iot-task/quota-redis';
import { actions } from '@iot-task/spec';
import { startRun } from './contractRun.ts';
import { gatewayCases } from './gatewayCase.ts';
import { type CaseResult, casesFor, runContract } from './runContract.ts';
import { baseUrlTarget, type ContractTarget, liveTarget, mswTarget } from './targets.ts';
import { throttlingCase } from './throttlingCase.ts';
import { toJUnit } from './toJUnit.ts';

const SECRET_ENV = 'IOT_TASK_CONTRACT_ACCESS_KEY_SECRET';

const unsafeOnLive = [
  ...new Map(
    Object.keys(actions)
      .flatMap((action) => [...gatewayCases(action), throttlingCase(action)])
      .filter((c) => c.liveUnsafe)
      .map((c) => [c.kind === 'gateway' ? c.check : 'throttling', c.liveUnsafe]),
  ),
]
  .map(([check, why]) => `  ${check}: ${why}`)
  .join('\n');

export const CONTRACT_USAGE = `Usage: iot-task-contract [--base-url <url> | --live | --msw] [options]

Runs the contract suite (generated from the spec, plus the gateway's checks and the task
lifecycle) and exits 1 on any failure. Each case expects one exact answer: status, error code,
body schema and headers, in JSON and in XML.

Targets:
  --base-url <url>          a server: our mock server, another mock, a validating proxy
  --live                    the live service, with ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET (skipped without)
  --msw                     the in-process mock (default)

Options:
  --task-id <id>            (--base-url, --live; repeatable) a task to follow through its lifecycle
  --access-key-id <id>      (--base-url) credentials (default the mock's test credentials), with
  --access-key-secret-file <path>   its secret read from a file (or set ${SECRET_ENV});
                            --access-key-secret <s> works too, but every local user sees it in \`ps\`
  --no-signature-check      (--base-url) the server does not check signatures: skip those cases
  --quota <n>               (--base-url) the server's quota per second, when it is not the spec's (5):
                            the run paces to 90% of it and the throttling case bursts over it
  --include-unsafe          (--live) also run the cases that are unsafe against a live account
                            (--live takes each paced request's place in the account's quota
                            shared through Redis when IOT_TASK_QUOTA_REDIS_URL is set, with
                            IOT_TASK_QUOTA_ACCOUNT naming the account)
  --junit <file>            also write JUnit XML there
  -h, --help

Exit codes: 0 every case passed or was skipped for a reason; 1 a case failed; 2 bad command line;
3 nothing could be checked (no credentials for --live, say); 4 nothing failed but a case was
inconclusive (a verdict the machine's load spoiled, such as a throttling burst that took too long);
141 stdout's reader went away (\`| head -1\`): the run stopped quietly.
What a target sends is printed escaped (control characters as \\x1b), never obeyed.

Against --live these cases are skipped unless --include-unsafe, each with its reason:
${unsafeOnLive}
Against a mock (--msw, or a --base-url with a /__mock/ control surface), the kit seeds one task
per scenario and follows it to its terminal status.`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Aborted when the output's reader went away (`| head -1`): the run stops between cases. */
  signal?: AbortSignal;
}

/** The exit code when stdout's reader went away: the run ended quietly, as SIGPIPE would. */
export const EXIT_BROKEN_PIPE = 141;

class UsageError extends Error {}

/** Which options each target takes; an option given for another target is an error, never ignored. */
const APPLIES: Readonly<Record<string, readonly ('base-url' | 'live' | 'msw')[]>> = {
  'task-id': ['base-url', 'live'],
  'access-key-id': ['base-url'],
  'access-key-secret': ['base-url'],
  'access-key-secret-file': ['base-url'],
  'no-signature-check': ['base-url'],
  quota: ['base-url'],
  'include-unsafe': ['live'],
};

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        live: { type: 'boolean' },
        msw: { type: 'boolean' },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        'access-key-secret-file': { type: 'string' },
        'task-id': { type: 'string', multiple: true },
        'no-signature-check': { type: 'boolean' },
        quota: { type: 'string' },
        'include-unsafe': { type: 'boolean' },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(((error as Error).message.split('\n')[0] ?? '').replace(/\.+$/, ''));
  }
}

/** The secret from a file, the environment, or (with a warning) the command line. */
function secretOf(
  values: ReturnType<typeof parse>,
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): string | undefined {
  const file = values['access-key-secret-file'];
  const given = values['access-key-secret'];
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
      `iot-task-contract: warning: --access-key-secret is visible to every local user (ps); prefer --access-key-secret-file or ${SECRET_ENV}`,
    );
    return given;
  }
  return env[SECRET_ENV];
}

function targetOf(
  values: ReturnType<typeof parse>,
  env: Readonly<Record<string, string | undefined>>,
  warnings: string[],
): ContractTarget {
  const chosen = [values['base-url'] !== undefined, values.live, values.msw].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one target: --base-url, --live or --msw');
  const kind = values['base-url'] !== undefined ? 'base-url' : values.live ? 'live' : 'msw';
  for (const [option, targets] of Object.entries(APPLIES)) {
    if (values[option as keyof typeof values] !== undefined && !targets.includes(kind)) {
      throw new UsageError(
        `--${option} does not apply to --${kind} (only to ${targets.map((t) => `--${t}`).join(', ')})`,
      );
    }
  }
  const secret = values['access-key-id'] === undefined ? undefined : secretOf(values, env, warnings);
  if (
    (values['access-key-id'] === undefined) !== (secret === undefined) ||
    ((values['access-key-secret-file'] !== undefined || values['access-key-secret'] !== undefined) &&
      values['access-key-id'] === undefined)
  )
    throw new UsageError(`--access-key-id and its secret (--access-key-secret-file or ${SECRET_ENV}) go together`);
  const taskIds = values['task-id'] ?? [];
  for (const id of taskIds) if (id.trim() === '') throw new UsageError('--task-id: expected a TaskId, received ""');
  if (kind === 'base-url') {
    const url = values['base-url'] as string;
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol))
      throw new UsageError(`--base-url: expected an http(s) URL, received ${url}`);
    if (parsed.username !== '' || parsed.password !== '')
      throw new UsageError('--base-url: expected a URL without user:password@ (credentials go in --access-key-id)');
    if (parsed.search !== '' || parsed.hash !== '')
      throw new UsageError(`--base-url: expected a base URL without ?query or #fragment, received ${url}`);
    const quota = values.quota === undefined ? undefined : Number(values.quota);
    if (quota !== undefined && !(Number.isInteger(quota) && quota >= 1 && quota <= 1000))
      throw new UsageError(
        `--quota: expected a whole number of requests per second from 1 to 1000, received ${values.quota}`,
      );
    return baseUrlTarget(url, {
      ...(quota === undefined ? {} : { requestsPerSecond: quota }),
      credentials: {
        accessKeyId: values['access-key-id'] ?? TEST_CREDENTIALS.accessKeyId,
        accessKeySecret: secret ?? TEST_CREDENTIALS.accessKeySecret,
      },
      followTaskIds: taskIds,
      verifiesSignatures: !values['no-signature-check'],
    });
  }
  if (kind === 'live') {
    // Other processes of the account (services, CI jobs) share its quota through Redis: so does the run.
    let quota: ReturnType<typeof redisQuotaFromEnv>;
    try {
      quota = redisQuotaFromEnv(env);
    } catch (error) {
      if (isIotTaskError(error)) throw new UsageError(error.message);
      throw error;
    }
    return liveTarget(env, {
      ...(taskIds.length > 0 ? { followTaskIds: taskIds } : {}),
      includeUnsafe: values['include-unsafe'] === true,
      ...(quota ? { quota } : {}),
    });
  }
  return mswTarget();
}

/** `exchange 8, edge 36, …`: how many cases of each kind, in run order. */
function casesByKind(cases: readonly { kind: string }[]): string {
  const counts = new Map<string, number>();
  for (const c of cases) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  return [...counts].map(([kind, n]) => `${kind} ${n}`).join(', ');
}

/** The help's count of cases per kind: what a run against the in-process mock has (a server without a control surface has no lifecycles). */
async function helpCounts(): Promise<string> {
  const run = await startRun(mswTarget());
  const cases = casesFor(run);
  return `Cases by kind, against a mock (${cases.length}): ${casesByKind(cases)}`;
}

const MARKS: Readonly<Record<CaseResult['outcome'], string>> = {
  passed: '✔',
  failed: '✖',
  skipped: '-',
  inconclusive: '?',
};

/** `iot-task-contract`: resolves with the exit code (0 all passed, 1 failures, 2 usage, 3 nothing checked, 4 inconclusive). */
export async function runContractCli(
  argv: string[],
  io: Io,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let target: ContractTarget;
  let junit: string | undefined;
  const warnings: string[] = [];
  try {
    const values = parse(argv);
    if (values.help) {
      io.out(`${CONTRACT_USAGE}\n\n${await helpCounts()}`);
      return 0;
    }
    junit = values.junit;
    target = targetOf(values, env, warnings);
    // A report that cannot be written is a mistake to hear about now, not after the whole run.
    if (junit !== undefined) {
      try {
        await writeFile(junit, '');
      } catch (error) {
        throw new UsageError(`--junit: cannot write ${junit} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`iot-task-contract: ${error.message}. Run iot-task-contract --help.`);
    return 2;
  }
  for (const warning of warnings) io.err(warning);
  io.out(`Contract of ${Object.keys(actions).join(', ')} against ${target.name}`);
  const shared = target.quota as { close?: () => Promise<void> } | undefined;
  const report = await runContract(target, {
    // What a target sends is printed, never obeyed: escape sequences and line breaks are shown escaped.
    onResult: (r) => {
      io.out(
        `${MARKS[r.outcome]} ${oneLine(r.id)}${r.skipReason === undefined ? '' : ` (${r.outcome}: ${oneLine(r.skipReason)})`}`,
      );
      for (const problem of r.problems) io.out(`    ${oneLine(problem)}`);
      for (const warning of r.warnings ?? []) io.out(`    warning: ${oneLine(warning)}`);
    },
    ...(io.signal ? { signal: io.signal } : {}),
  }).finally(() => shared?.close?.());
  if (io.signal?.aborted) return EXIT_BROKEN_PIPE;
  io.out(
    `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped${report.inconclusive > 0 ? `, ${report.inconclusive} inconclusive` : ''} in ${(report.durationMs / 1000).toFixed(1)}s`,
  );
  io.out(`Cases by kind: ${casesByKind(report.results)}`);
  if (junit !== undefined) {
    await writeFile(junit, toJUnit(report));
    io.out(`JUnit XML: ${junit}`);
  }
  if (report.failed > 0) return 1;
  if (report.passed === 0) {
    io.err('iot-task-contract: nothing was checked: every case was skipped (see the reasons above)');
    return 3;
  }
  if (report.inconclusive > 0) {
    io.err(
      `iot-task-contract: ${report.inconclusive} case(s) inconclusive: the kit could not tell (see above); nothing failed. Run again on a less loaded machine`,
    );
    return 4;
  }
  return 0;
}
