import { CredentialsError } from './errors.ts';
import { hasControlCharacter } from './hasControlCharacter.ts';

/** An AccessKey pair, with the STS token when the key is temporary. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string | undefined;
}

/** Called before every signed request, so rotating credentials are picked up. */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

export const ENV_ACCESS_KEY_ID = 'ALIBABA_CLOUD_ACCESS_KEY_ID';
export const ENV_ACCESS_KEY_SECRET = 'ALIBABA_CLOUD_ACCESS_KEY_SECRET';
export const ENV_SECURITY_TOKEN = 'ALIBABA_CLOUD_SECURITY_TOKEN';

type Env = Readonly<Record<string, string | undefined>>;

function processEnv(): Env | undefined {
  return (globalThis as { process?: { env?: Env } }).process?.env;
}

/**
 * Credentials from the standard variables `ALIBABA_CLOUD_ACCESS_KEY_ID`,
 * `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and, for STS, `ALIBABA_CLOUD_SECURITY_TOKEN`, read at each
 * call. Throws a CredentialsError naming the missing variables.
 */
export function fromEnv(env?: Env): CredentialsProvider {
  return () => {
    const source = env ?? processEnv() ?? {};
    const missing = [ENV_ACCESS_KEY_ID, ENV_ACCESS_KEY_SECRET].filter((name) => !source[name]?.trim());
    if (missing.length > 0) {
      throw new CredentialsError({
        code: 'MissingCredentials',
        message: `no Alibaba Cloud credentials: set ${missing.join(' and ')} (and ${ENV_SECURITY_TOKEN} for an STS token), or pass credentials to createIotTaskClient`,
        retryable: false,
      });
    }
    const token = source[ENV_SECURITY_TOKEN]?.trim();
    return {
      accessKeyId: (source[ENV_ACCESS_KEY_ID] as string).trim(),
      accessKeySecret: (source[ENV_ACCESS_KEY_SECRET] as string).trim(),
      ...(token ? { securityToken: token } : {}),
    };
  };
}

/** Resolves and checks credentials; the error never includes a secret. */
export async function resolveCredentials(source: Credentials | CredentialsProvider): Promise<Credentials> {
  let credentials: Credentials;
  try {
    credentials = typeof source === 'function' ? await source() : source;
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError({
      code: 'CredentialsProviderFailed',
      message: `the credentials provider failed: ${error instanceof Error ? error.message : String(error)}`,
      retryable: false,
      cause: error,
    });
  }
  const record = credentials as unknown as Record<string, unknown> | null;
  // The ID and the token travel in headers and query strings: visible ASCII only, or the request
  // could not be sent (and a retry would fail the same way). The secret only feeds the HMAC.
  checkField(
    record,
    'accessKeyId',
    VISIBLE_ASCII,
    'a non-empty string of visible ASCII characters (it travels in a header)',
  );
  checkField(record, 'accessKeySecret', NO_CONTROL, 'a non-empty string without control characters');
  if (record?.securityToken !== undefined) {
    checkField(
      record,
      'securityToken',
      VISIBLE_ASCII,
      'a non-empty string of visible ASCII characters (it travels in a header), or nothing',
    );
  }
  return credentials;
}

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
const NO_CONTROL = { test: (value: string) => value.trim() !== '' && !hasControlCharacter(value) };

/** Never quotes the value: it may be a secret. */
function checkField(
  record: Record<string, unknown> | null,
  field: string,
  rule: { test(value: string): boolean },
  expected: string,
): void {
  const value = record?.[field];
  if (typeof value !== 'string' || !rule.test(value)) {
    throw new CredentialsError({
      code: 'InvalidCredentials',
      message: `credentials.${field}: expected ${expected}`,
      retryable: false,
    });
  }
}
