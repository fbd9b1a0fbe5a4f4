import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TEST_CREDENTIALS } from '@iot-task/msw';
import { runContract } from './runContract.ts';
import { baseUrlTarget, type ContractTarget, liveTarget, mswTarget } from './targets.ts';
import { toJUnit } from './toJUnit.ts';

export const CONTRACT_USAGE = `Usage: iot-task-contract [--base-url <url> | --live | --msw] [options]

Runs the QueryTask contract suite (generated from the spec) and exits non-zero on any failure.

Targets:
  --base-url <url>          a server: our mock server, another mock, a validating proxy
  --live                    the live service, with ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET (skipped without)
  --msw                     the in-process mock (default)

Options:
  --access-key-id <id>      credentials for --base-url (default the mock's test credentials)
  --access-key-secret <s>
  --task-id <id>            a task the target knows (default MSnT9***q010101)
  --no-signature-check      the target does not check signatures: skip that case
  --junit <file>            also write JUnit XML there
  -h, --help`;

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `iot-task-contract`: resolves with the exit code (0 all passed, 1 failures, 2 usage). */
export async function runContractCli(
  argv: string[],
  io: Io,
  env: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'base-url': { type: 'string' },
        live: { type: 'boolean' },
        msw: { type: 'boolean' },
        'access-key-id': { type: 'string' },
        'access-key-secret': { type: 'string' },
        'task-id': { type: 'string' },
        'no-signature-check': { type: 'boolean' },
        junit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.err(
      `iot-task-contract: ${((error as Error).message.split('\n')[0] ?? '').replace(/\.+$/, '')}. Run iot-task-contract --help.`,
    );
    return 2;
  }
  if (values.help) {
    io.out(CONTRACT_USAGE);
    return 0;
  }
  if ([values['base-url'] !== undefined, values.live, values.msw].filter(Boolean).length > 1) {
    io.err('iot-task-contract: choose one target: --base-url, --live or --msw. Run iot-task-contract --help.');
    return 2;
  }
  let target: ContractTarget;
  if (typeof values['base-url'] === 'string') {
    try {
      new URL(values['base-url']);
    } catch {
      io.err(
        `iot-task-contract: --base-url: expected an http(s) URL, received ${values['base-url']}. Run iot-task-contract --help.`,
      );
      return 2;
    }
    target = baseUrlTarget(values['base-url'], {
      credentials: {
        accessKeyId: (values['access-key-id'] as string | undefined) ?? TEST_CREDENTIALS.accessKeyId,
        accessKeySecret: (values['access-key-secret'] as string | undefined) ?? TEST_CREDENTIALS.accessKeySecret,
      },
      ...(typeof values['task-id'] === 'string' ? { taskId: values['task-id'] } : {}),
      verifiesSignatures: !values['no-signature-check'],
    });
  } else if (values.live) {
    target = liveTarget(env);
  } else {
    target = mswTarget();
  }
  io.out(`QueryTask contract against ${target.name}`);
  const report = await runContract(target, {
    onResult: (r) => {
      const mark = r.outcome === 'passed' ? '✔' : r.outcome === 'skipped' ? '-' : '✖';
      io.out(`${mark} ${r.id}${r.outcome === 'skipped' ? ` (skipped: ${r.skipReason})` : ''}`);
      for (const problem of r.problems) io.out(`    ${problem}`);
    },
  });
  io.out(
    `${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${(report.durationMs / 1000).toFixed(1)}s`,
  );
  if (typeof values.junit === 'string') {
    await writeFile(values.junit, toJUnit(report));
    io.out(`JUnit XML: ${values.junit}`);
  }
  return report.failed > 0 ? 1 : 0;
}
