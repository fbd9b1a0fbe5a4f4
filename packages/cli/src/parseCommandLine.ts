import { parseArgs } from 'node:util';
import { isScenario, type Scenario, scenarios } from '@iot-task/msw';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TaskCommand {
  command: 'query' | 'watch';
  taskId: string;
  /** Set when running against the embedded mock; the scenario seeds the task. */
  mock: { scenario: Scenario | undefined } | undefined;
  region: string | undefined;
  endpoint: string | undefined;
  instance: string | undefined;
  format: 'JSON' | 'XML';
  signature: 'v3' | 'v1';
  method: 'GET' | 'POST';
  json: boolean;
  timeoutMs: number | undefined;
  intervalMs: number | undefined;
}

export type CommandLine =
  | TaskCommand
  | { command: 'mock'; args: string[] }
  | { command: 'help' }
  | { command: 'nothing' }
  | { command: 'version' };

/** The longest wait a timer takes (2³¹−1 ms, about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

function positiveMs(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(ms) || ms <= 0 || ms > MAX_MS)
    throw new UsageError(
      `${flag}: expected milliseconds, more than 0 and at most ${MAX_MS}, received ${JSON.stringify(value)}`,
    );
  return ms;
}

/**
 * A text option as given, or undefined when absent. Given empty (`--endpoint "$UNSET"`) it is a
 * usage error: quietly falling back to the default would send a forgotten endpoint's requests —
 * with real credentials — to the region's real one.
 */
function text(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '')
    throw new UsageError(`${flag}: expected a value, received an empty one`);
  return value;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  map = (v: string) => v,
): T {
  if (value === undefined) return fallback;
  const mapped = map(value);
  if (!(allowed as readonly string[]).includes(mapped))
    throw new UsageError(`${flag}: expected ${allowed.map((a) => a.toLowerCase()).join(' or ')}, received ${value}`);
  return mapped as T;
}

/**
 * Reads `iot-task`'s command line. `--mock` takes an optional scenario (`--mock fails` or
 * `--mock=fails`); anything else that is not an option is the TaskId.
 */
export function parseCommandLine(argv: string[]): CommandLine {
  const [command, ...rest] = argv;
  if (command === undefined) return { command: 'nothing' };
  if (command === '-h' || command === '--help' || command === 'help') return { command: 'help' };
  if (command === '-v' || command === '--version') return { command: 'version' };
  if (command === 'mock') return { command: 'mock', args: rest };
  if (command !== 'query' && command !== 'watch')
    throw new UsageError(`unknown command ${JSON.stringify(command)}; expected query, watch or mock`);

  // `--mock` with an optional value: parseArgs has no such option type, so take it out first.
  let mock: TaskCommand['mock'];
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--mock' || arg.startsWith('--mock=')) {
      const inline = arg.startsWith('--mock=') ? arg.slice('--mock='.length) : undefined;
      const next = inline ?? (isScenario(rest[i + 1]) ? rest[++i] : undefined);
      if (next !== undefined && !isScenario(next))
        throw new UsageError(`--mock: expected one of ${scenarios.join(', ')}, received ${next}`);
      mock = { scenario: next };
    } else {
      args.push(arg);
    }
  }

  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true; args: string[] }>
  >;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help' };
  if (positionals.length !== 1) {
    const scenarioHint = mock ? ` (--mock takes a scenario: ${scenarios.join(', ')})` : '';
    throw new UsageError(
      positionals.length === 0
        ? `${command}: expected a TaskId`
        : `${command}: expected one TaskId, received ${positionals.length}: ${positionals.map((p) => JSON.stringify(p)).join(', ')}${scenarioHint}`,
    );
  }
  const region = text('--region', values.region);
  const endpoint = text('--endpoint', values.endpoint);
  if (mock && endpoint !== undefined) throw new UsageError('--mock and --endpoint do not go together');
  if (region !== undefined && endpoint !== undefined)
    throw new UsageError('--region and --endpoint do not go together (the endpoint decides where requests go)');
  return {
    command,
    taskId: positionals[0] as string,
    mock,
    region,
    endpoint,
    instance: text('--instance', values.instance),
    format: oneOf('--format', values.format, ['JSON', 'XML'], 'JSON', (v) => v.toUpperCase()),
    signature: oneOf('--signature', values.signature, ['v3', 'v1'], 'v3', (v) => v.toLowerCase()),
    method: oneOf('--method', values.method, ['POST', 'GET'], 'POST', (v) => v.toUpperCase()),
    json: values.json ?? false,
    timeoutMs: positiveMs('--timeout', values.timeout),
    intervalMs: positiveMs('--interval', values.interval),
  };
}

const OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  instance: { type: 'string' },
  format: { type: 'string' },
  signature: { type: 'string' },
  method: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
