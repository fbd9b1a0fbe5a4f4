import type { Expectation } from './expectations.ts';
import { gatewayError } from './expectations.ts';

/** The gateway checks the kit puts every action through. */
export type GatewayCheckName =
  | 'tampered-signature'
  | 'wrong-secret'
  | 'unknown-access-key'
  | 'expired-timestamp'
  | 'malformed-timestamp'
  | 'replayed-nonce'
  | 'missing-signature-parameter'
  | 'unknown-action'
  | 'unknown-version'
  | 'throttling';

export interface GatewayCase {
  id: string;
  action: string;
  kind: 'gateway';
  title: string;
  check: GatewayCheckName;
  signature: 'v1' | 'v3';
  format: 'JSON' | 'XML';
  /** Why the case is not run against the live service unless asked for (`--include-unsafe`). */
  liveUnsafe?: string;
}

interface CheckDefinition {
  title: string;
  expected: Expectation;
  /** Signature version × format of the cases of this check: together the list covers both of each. */
  variants: readonly (readonly ['v1' | 'v3', 'JSON' | 'XML'])[];
  liveUnsafe?: string;
}

const FORGES_KEYS = 'it signs with a key pair the account does not have; a live account may flag it';

/**
 * What the gateway must answer to each broken request, from the spec's error catalogue
 * (`x-acs-error-codes`: code and HTTP status). Where the documents allow more than one answer,
 * the equivalents are listed with the reason; nothing else passes.
 */
export const gatewayChecks: Readonly<Record<GatewayCheckName, CheckDefinition>> = {
  'tampered-signature': {
    title: 'a signature changed after signing',
    expected: gatewayError('SignatureDoesNotMatch'),
    variants: [
      ['v1', 'JSON'],
      ['v1', 'XML'],
      ['v3', 'JSON'],
      ['v3', 'XML'],
    ],
  },
  'wrong-secret': {
    title: 'signed with a wrong AccessKey secret',
    expected: gatewayError('SignatureDoesNotMatch'),
    variants: [
      ['v1', 'JSON'],
      ['v3', 'XML'],
    ],
    liveUnsafe: FORGES_KEYS,
  },
  'unknown-access-key': {
    title: 'an AccessKey ID the gateway does not know',
    expected: gatewayError('InvalidAccessKeyId.NotFound', {
      statuses: [404, 400],
      why: 'documented as HTTP 404 (and captured so) by one source, 400 by another (querytask-api facts §5.2)',
    }),
    variants: [
      ['v1', 'XML'],
      ['v3', 'JSON'],
    ],
    liveUnsafe: FORGES_KEYS,
  },
  'expired-timestamp': {
    title: 'a request time an hour old',
    expected: gatewayError('InvalidTimeStamp.Expired'),
    variants: [
      ['v1', 'JSON'],
      ['v3', 'XML'],
    ],
  },
  'malformed-timestamp': {
    title: 'a request time with milliseconds, which the spec forbids',
    expected: gatewayError('InvalidTimeStamp.Format'),
    variants: [
      ['v1', 'XML'],
      ['v3', 'JSON'],
    ],
  },
  'replayed-nonce': {
    title: 'the same signed request sent twice: the first succeeds, the second is a replay',
    expected: gatewayError('SignatureNonceUsed', {
      also: [null],
      why: 'a captured IoT answer to a replay carried only RequestId and the catalogue message, no Code',
    }),
    variants: [
      ['v1', 'JSON'],
      ['v3', 'XML'],
    ],
  },
  'missing-signature-parameter': {
    title: 'a part of the signature left out (V1: Signature; V3: x-acs-signature-nonce)',
    expected: gatewayError('IncompleteSignature', {
      also: ['MissingSignature', 'MissingSignatureNonce'],
      why: 'documented as IncompleteSignature; by its Missing<Name> rule the gateway may name the parameter instead',
    }),
    variants: [
      ['v1', 'JSON'],
      ['v3', 'XML'],
    ],
  },
  'unknown-action': {
    title: 'an Action the API version does not have',
    expected: gatewayError('InvalidApi.NotFound'),
    variants: [
      ['v1', 'JSON'],
      ['v3', 'XML'],
    ],
  },
  'unknown-version': {
    title: 'a Version that does not exist',
    expected: gatewayError('InvalidApi.NotFound'),
    variants: [
      ['v1', 'XML'],
      ['v3', 'JSON'],
    ],
  },
  throttling: {
    title: 'a burst of three times the quota at once: some answers are Throttling.User, every other one a success',
    expected: gatewayError('Throttling.User'),
    variants: [['v3', 'JSON']],
    liveUnsafe: 'it spends the quota every RAM user of the account shares (5 requests a second)',
  },
};

/** The gateway cases of an action, throttling last (it drains the quota; the run lets it refill). */
export function gatewayCases(action: string): GatewayCase[] {
  const cases: GatewayCase[] = [];
  for (const [check, definition] of Object.entries(gatewayChecks) as [GatewayCheckName, CheckDefinition][]) {
    for (const [signature, format] of definition.variants) {
      cases.push({
        id: `${action}/gateway/${check}/${signature}/${format}`,
        action,
        kind: 'gateway',
        title: `${definition.title} (${signature}, ${format})`,
        check,
        signature,
        format,
        ...(definition.liveUnsafe ? { liveUnsafe: definition.liveUnsafe } : {}),
      });
    }
  }
  return cases;
}
