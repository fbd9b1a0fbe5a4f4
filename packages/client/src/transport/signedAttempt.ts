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

import { localQuota } from '../quota/localQuota.ts';
import type { QuotaPlan } from '../quota/quotaPlan.ts';
import { quotaRequest } from '../quota/quotaRequest.ts';
import { RoundTrips } from '../quota/roundTrips.ts';
import { untilAborted } from './callSignals.ts';
import type { OutgoingRequest } from './send.ts';
import type { SigningSettings } from './signatureChoice.ts';
import { signRequest } from './signRequest.ts';

export interface SignerConfig extends SigningSettings {
  /** @default fromEnv() */
  credentials: Credentials | CredentialsProvider | undefined;
  quota: QuotaPlan | undefined;
  /** How long one attempt may stay out: the lease of its place in the quota. */
  attemptTimeoutMs: number;
}

/**
 * A request's place in the quota, held until its answer (`answered()`, at the response's
 * headers) or its failure (`failed()`); either is idempotent, and only the first counts.
 * `sent()` marks the request handed to the transport: its round trip starts there, not at the
 * grant, so signing and the client's own queue are not taken for the path.
 */
export interface HeldPlace {
  sent(): void;
  answered(): void;
  failed(): void;
}

/** A signed request, and its place in the quota. */
export interface SignedAttempt {
  request: OutgoingRequest;
  quotaSlot: HeldPlace | undefined;
}

/** How an attempt waits: for the credentials (`signal`), and for its turn in the quota. */
export interface AttemptWaits {
  /** Ends a wait for the credentials: the call's abort and deadline. */
  signal(): AbortSignal;
  /** Runs a wait for the quota: the deadline stands still; the caller's abort and `maxWaitMs` end it. */
  turn<T>(maxWaitMs: number, wait: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** Signs one attempt, after its turn in the quota. */
export type SignAttempt = (
  descriptor: ActionDescriptor,
  query: Readonly<Record<string, string>>,
  waits: AttemptWaits,
  /** Called as soon as the credentials are known, so a failure after it can mask them. */
  onCredentials: (credentials: Credentials) => void,
) => Promise<SignedAttempt>;

/**
 * The place a store granted, given back with what the client knows of when the request reached
 * the server: at the answer, at least one way's time ago (and never before it was granted).
 */
function heldPlace(slot: { done(sinceArrivalMs?: number): void }, trips: RoundTrips, strict: boolean): HeldPlace {
  let sentAt = performance.now();
  let open = true;
  return {
    sent() {
      sentAt = performance.now();
    },
    answered() {
      if (!open) return;
      open = false;
      const took = performance.now() - sentAt;
      trips.observe(took);
      slot.done(strict ? 0 : Math.min(took, trips.oneWayMs()));
    },
    failed() {
      if (!open) return;
      open = false;
      slot.done(0);
    },
  };
}

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
  const trips = new RoundTrips();
  const { quota } = config;
  // Plain options keep the quota in this process: its windows load here, with the signer.
  const store = quota && (quota.store ?? localQuota());
  return async (descriptor, query, waits, onCredentials) => {
    // Static credentials, once checked, are used as they are: no promise to wait for per call.
    // A provider (or the first check) is waited for only until the call is aborted or out of time.
    let used = known;
    if (!used) {
      const signal = waits.signal();
      // An aborted call asks the provider nothing.
      if (signal.aborted) throw signal.reason;
      used = await untilAborted(credentials(), signal);
    }
    onCredentials(used);
    const { accessKeyId } = used;
    const quotaSlot =
      quota && store
        ? heldPlace(
            await waits.turn(quota.maxWaitMs, (signal) =>
              store.acquire(
                quotaRequest(quota, accessKeyId, descriptor, config.attemptTimeoutMs, () => trips.oneWayMs()),
                signal,
              ),
            ),
            trips,
            quota.strict,
          )
        : undefined;
    try {
      return { request: await signRequest(config, descriptor, query, used), quotaSlot };
    } catch (error) {
      quotaSlot?.failed();
      throw error;
    }
  };
}
