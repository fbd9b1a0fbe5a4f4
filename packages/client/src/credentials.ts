import { CredentialsError } from './errors.ts';

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
