/**
 * What a signed attempt needs before it is sent — the credentials (asked for and checked), the
 * quota of its API, and the signature — loaded with the client's first signed call. A browser
 * app whose calls are signed by its server (`signatureVersion: 'none'`) never loads any of it.
 */
import type { ActionDescriptor } from '@iot-task/spec';
import { type Credentials, type CredentialsProvider, fromEnv } from '../credentials.ts';
import { resolveCredentials } from '../resolveCredentials.ts';

// Loaded with the signer: only a call with credentials has secrets to mask (callAction.ts).
export { maskSecretsDeep, mayCarrySecrets, redactSecrets, scrubError } from '../redactSecrets.ts';

import { type QuotaSettings, type QuotaSlot, quotaBucket } from '../tokenBucket.ts';
import { untilAborted } from './callSignals.ts';
import type { OutgoingRequest } from './send.ts';
import type { SigningSettings } from './signatureChoice.ts';
import { signRequest } from './signRequest.ts';

export interface SignerConfig extends SigningSettings {
  /** @default fromEnv() */
  credentials: Credentials | CredentialsProvider | undefined;
  quota: QuotaSettings | undefined;
}

/** A signed request, and its place in the quota: `quotaSlot.done()` once its answer (or failure) is back. */
export interface SignedAttempt {
  request: OutgoingRequest;
  quotaSlot: QuotaSlot | undefined;
}

/** Signs one attempt: `waitSignal` ends a wait for the quota (the call's abort and deadline). */
export type SignAttempt = (
  descriptor: ActionDescriptor,
  query: Readonly<Record<string, string>>,
  waitSignal: () => AbortSignal,
  /** Called as soon as the credentials are known, so a failure after it can mask them. */
  onCredentials: (credentials: Credentials) => void,
) => Promise<SignedAttempt>;

export function createSigner(config: SignerConfig): SignAttempt {
  const source = config.credentials ?? fromEnv();
  // Static credentials are checked once; a provider is asked (and checked) at every attempt.
  let checked: Promise<Credentials> | undefined;
  let known: Credentials | undefined;
  const credentials = (): Promise<Credentials> => {
    if (typeof source === 'function') return resolveCredentials(source);
    checked ??= resolveCredentials(source).then((resolved) => {
      known = resolved;
      return resolved;
    });
    return checked;
  };
  return async (descriptor, query, waitSignal, onCredentials) => {
    // Static credentials, once checked, are used as they are: no promise to wait for per call.
    // A provider (or the first check) is waited for only until the call is aborted or out of time.
    let used = known;
    if (!used) {
      const signal = waitSignal();
      // An aborted call asks the provider nothing.
      if (signal.aborted) throw signal.reason;
      used = await untilAborted(credentials(), signal);
    }
    onCredentials(used);
    const quotaSlot = config.quota
      ? await quotaBucket(config.quota, used.accessKeyId, descriptor).acquire(waitSignal())
      : undefined;
    try {
      return { request: await signRequest(config, descriptor, query, used), quotaSlot };
    } catch (error) {
      quotaSlot?.done();
      throw error;
    }
  };
}
