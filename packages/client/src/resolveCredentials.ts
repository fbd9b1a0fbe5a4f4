import type { Credentials, CredentialsProvider } from './credentials.ts';
import { CredentialsError, describeThrown } from './errors.ts';
import { hasControlCharacter } from './hasControlCharacter.ts';
import { redactUnknownSecrets } from './redactSecrets.ts';

/** A thrown value as an Error whose every text is masked (redactUnknownSecrets): never the value itself. */
function maskedCopy(thrown: unknown): Error {
  const copy = new Error(redactUnknownSecrets(thrown instanceof Error ? thrown.message : describeThrown(thrown)));
  if (thrown instanceof Error) {
    copy.name = thrown.name;
    copy.stack = redactUnknownSecrets(thrown.stack ?? '');
    const code = (thrown as { code?: unknown }).code;
    if (typeof code === 'string') Object.assign(copy, { code: redactUnknownSecrets(code) });
  }
  return copy;
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
      // The provider's own words may quote what it read (a token, a secret): masked here and in
      // the cause, a copy of its error (name, code, message and stack masked) — an error printed
      // whole (util.inspect, a logger) shows its cause too.
      message: `the credentials provider failed: ${redactUnknownSecrets(describeThrown(error))}`,
      retryable: false,
      cause: maskedCopy(error),
    });
  }
  // Read once into a plain record: a getter that throws (or answers differently each time) is
  // the caller's mistake, named here, not a failure of the call later.
  let record: Record<string, unknown> | null;
  try {
    record =
      credentials === null || typeof credentials !== 'object'
        ? null
        : {
            accessKeyId: credentials.accessKeyId,
            accessKeySecret: credentials.accessKeySecret,
            ...(credentials.securityToken === undefined ? {} : { securityToken: credentials.securityToken }),
          };
  } catch (error) {
    throw new CredentialsError({
      code: 'InvalidCredentials',
      message: `credentials: reading them threw: ${describeThrown(error)}`,
      retryable: false,
    });
  }
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
  return record as unknown as Credentials;
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
