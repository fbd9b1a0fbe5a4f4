import { ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET, ENV_SECURITY_TOKEN, IotTaskError } from '@iot-task/client';
import { oneLine, printable } from '@iot-task/client/terminal-text';
import { EXIT } from './exitCodes.ts';
import { UsageError } from './parseCommandLine.ts';

const HINTS: Readonly<Record<string, string>> = {
  SignatureDoesNotMatch: `check ${ENV_ACCESS_KEY_SECRET}`,
  'InvalidAccessKeyId.NotFound': `check ${ENV_ACCESS_KEY_ID}`,
  'InvalidAccessKeyId.Inactive': 'the AccessKey is disabled; enable it or use another',
  'Forbidden.RAM': 'grant the RAM user iot:QueryTask',
  'Throttling.User': "the account's quota is 5 requests per second; try again shortly",
  'InvalidTimeStamp.Expired': "this machine's clock is off by more than 15 minutes",
  'iot.job.TaskNotFound': 'check the TaskId (and --instance, for an instance that has an ID)',
  'iot.common.InvalidTenant': "the task's instance has an ID: pass it with --instance",
  'iot.system.InstanceNotFound': 'check --instance',
  'iot.system.SystemException': 'IoT Platform had a system error; try again',
};

/** The environment variable each credential comes from. */
const VARIABLES = {
  accessKeyId: ENV_ACCESS_KEY_ID,
  accessKeySecret: ENV_ACCESS_KEY_SECRET,
  securityToken: ENV_SECURITY_TOKEN,
} as const;

const KIND_HINTS: Readonly<Record<string, string>> = {
  network: 'check --region/--endpoint and the network',
  timeout: 'the service was too slow; raise --timeout or try again',
  parse: 'something between here and the service answered instead (a proxy?); check --endpoint',
  drift: 'the service answered differently from the spec; report it with the RequestId',
  'unknown-status': 'this version does not know that status; check the task in the console, or upgrade',
  validation: 'run iot-task --help',
};

/**
 * One line for any error — code, message, RequestId, what to do — and the exit code. Never a
 * stack trace; never a secret (errors carry none, and signature messages are cut before the
 * server's string to sign).
 */
export function describeError(error: unknown): { line: string; exitCode: number } {
  if (error instanceof UsageError)
    return {
      line: `iot-task: ${oneLine(error.message).replace(/\.+$/, '')}. Run iot-task --help.`,
      exitCode: EXIT.usage,
    };
  if (error instanceof IotTaskError) {
    if (error.kind === 'credentials') {
      // The variables are set but one of them cannot be used: name it and say why (never its value).
      const invalid = /^credentials\.(accessKeyId|accessKeySecret|securityToken): (.*)$/.exec(error.message);
      if (invalid) {
        const variable = VARIABLES[invalid[1] as keyof typeof VARIABLES];
        return {
          line: `iot-task: ${error.code}: ${variable}: ${oneLine(invalid[2] as string)} — correct it, or add --mock to try the embedded mock`,
          exitCode: EXIT.credentials,
        };
      }
      // fromEnv names the variables that are missing.
      const missing = error.code === 'MissingCredentials' ? /set (.+?) \(and /.exec(error.message)?.[1] : undefined;
      return {
        line: missing
          ? `iot-task: no credentials: set ${missing} (and ${ENV_SECURITY_TOKEN} for an STS token), or add --mock to try the embedded mock`
          : `iot-task: ${error.code}: set ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} (and ${ENV_SECURITY_TOKEN} for an STS token), or add --mock to try the embedded mock`,
        exitCode: EXIT.credentials,
      };
    }
    const message = oneLine(error.message.split(' server string to sign is:')[0] as string);
    const requestId = error.requestId ? ` (RequestId ${printable(error.requestId)})` : '';
    const hint = HINTS[error.code] ?? KIND_HINTS[error.kind] ?? (error.retryable ? 'try again' : undefined);
    return {
      line: `iot-task: ${printable(error.code)}: ${message}${requestId}${hint ? ` — ${hint}` : ''}`,
      exitCode:
        error.kind === 'validation'
          ? EXIT.usage
          : error.kind === 'wait-timeout'
            ? EXIT.waitTimeout
            : error.kind === 'unknown-status'
              ? EXIT.unknownStatus
              : EXIT.error,
    };
  }
  return {
    line: `iot-task: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}`,
    exitCode: EXIT.error,
  };
}
