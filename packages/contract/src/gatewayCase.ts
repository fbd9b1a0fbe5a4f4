import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { type Expectation, gatewayError } from './expectation.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { answerProblems, FORGES_KEYS, unsafeSkip, variantRequest } from './signedRequests.ts';
import { minutesAndSeconds, TIMESTAMP_WINDOW_MS, WINDOW_EDGE_MS } from './timestampWindow.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** The same instant written in a zone `hours` east of UTC, with its offset (`…T18:00:00+08:00`). */
function offsetTime(at: number, hours: number): string {
  const sign = hours >= 0 ? '+' : '-';
  const offset = `${sign}${String(Math.abs(hours)).padStart(2, '0')}:00`;
  return utcSeconds(at + hours * 3_600_000).replace(/Z$/, offset);
}

/** A request time just outside the window. */
const OUTSIDE = TIMESTAMP_WINDOW_MS + WINDOW_EDGE_MS;

/** The gateway checks the kit puts every action through, in every transport variant. */
export type GatewayCheckName =
  | 'tampered-signature'
  | 'signature-middle-character'
  | 'signature-last-character'
  | 'signature-letter-case'
  | 'wrong-secret'
  | 'unknown-access-key'
  | 'expired-timestamp'
  | 'future-timestamp'
  | 'malformed-timestamp'
  | 'timestamp-with-offset'
  | 'timestamp-without-zone'
  | 'timestamp-as-epoch'
  | 'unknown-action'
  | 'unknown-version'
  | 'unsigned-headers'
  | 'unhashed-body';

export interface GatewayCase {
  id: string;
  action: string;
  kind: 'gateway';
  title: string;
  check: GatewayCheckName;
  variant: TransportVariant;
  /** Why the case is not run against the live service unless asked for (`--include-unsafe`). */
  liveUnsafe?: string;
}

interface CheckDefinition {
  title: string;
  expected: Expectation;
  liveUnsafe?: string;
  /** Whether the check is about the signature (skipped when the target does not check signatures). */
  signature: boolean;
  /** The variants the check applies to. @default every one */
  applies?: (variant: TransportVariant) => boolean;
}

/**
 * What the gateway must answer to each broken request, from the spec's error catalogue
 * (`x-acs-error-codes`: code and HTTP status). Where the documents allow more than one answer,
 * the equivalents are listed with the reason; nothing else passes.
 */
export const gatewayChecks: Readonly<Record<GatewayCheckName, CheckDefinition>> = {
  'tampered-signature': {
    title: 'a signature changed after signing',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
  },
  'signature-middle-character': {
    title: 'a signature whose middle character was changed after signing (a server comparing its ends passes it)',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
  },
  'signature-last-character': {
    title: 'a signature whose last character was changed after signing (a server comparing a prefix passes it)',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
  },
  'signature-letter-case': {
    title: 'a Base64 signature with one letter in the other case (a comparison ignoring case passes it)',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
    applies: (v) => v.signature === 'v1',
  },
  'wrong-secret': {
    title: 'signed with a wrong AccessKey secret',
    expected: gatewayError('SignatureDoesNotMatch'),
    liveUnsafe: FORGES_KEYS,
    signature: true,
  },
  'unknown-access-key': {
    title: 'an AccessKey ID the gateway does not know',
    expected: gatewayError('InvalidAccessKeyId.NotFound', {
      statuses: [404, 400],
      why: 'documented as HTTP 404 (and captured so) by one source, 400 by another (querytask-api facts §5.2)',
    }),
    liveUnsafe: FORGES_KEYS,
    signature: true,
  },
  'expired-timestamp': {
    title: `a request time ${minutesAndSeconds(OUTSIDE)} old, just outside the 15 minutes the spec allows`,
    expected: gatewayError('InvalidTimeStamp.Expired'),
    signature: true,
  },
  'future-timestamp': {
    title: `a request time ${minutesAndSeconds(OUTSIDE)} ahead, just outside the 15 minutes the spec allows`,
    expected: gatewayError('InvalidTimeStamp.Expired'),
    signature: true,
  },
  'malformed-timestamp': {
    title: 'a request time with milliseconds, which the spec forbids',
    expected: gatewayError('InvalidTimeStamp.Format'),
    signature: true,
  },
  'timestamp-with-offset': {
    title: 'the request time written with a +08:00 offset, not in UTC with Z, which the spec forbids',
    expected: gatewayError('InvalidTimeStamp.Format'),
    signature: true,
  },
  'timestamp-without-zone': {
    title: 'the request time without its Z, which the spec requires',
    expected: gatewayError('InvalidTimeStamp.Format'),
    signature: true,
  },
  'timestamp-as-epoch': {
    title: 'the request time as epoch milliseconds, not the spec’s YYYY-MM-DDThh:mm:ssZ',
    expected: gatewayError('InvalidTimeStamp.Format'),
    signature: true,
  },
  'unknown-action': {
    title: 'an Action the API version does not have',
    expected: gatewayError('InvalidApi.NotFound'),
    signature: false,
  },
  'unknown-version': {
    title: 'a Version that does not exist',
    expected: gatewayError('InvalidApi.NotFound'),
    signature: false,
  },
  'unsigned-headers': {
    title: 'a V3 signature over host alone, the x-acs-* headers (nonce, date, action) sent unsigned',
    expected: gatewayError('IncompleteSignature', {
      also: ['SignatureDoesNotMatch'],
      why: 'the V3 scheme requires host and every x-acs-* header to be signed; the documents do not say whether the gateway names the gap or fails the signature',
    }),
    signature: true,
    applies: (v) => v.signature === 'v3',
  },
  'unhashed-body': {
    title: 'a V3 POST whose body is not the one x-acs-content-sha256 covers',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
    applies: (v) => v.signature === 'v3' && v.method === 'POST',
  },
};

/** The gateway cases of an action: each check in every transport variant. */
export function gatewayCases(action: string): GatewayCase[] {
  const cases: GatewayCase[] = [];
  for (const [check, definition] of Object.entries(gatewayChecks) as [GatewayCheckName, CheckDefinition][]) {
    for (const variant of TRANSPORT_VARIANTS.filter(definition.applies ?? (() => true))) {
      cases.push({
        id: `${action}/gateway/${check}/${variantLabel(variant)}`,
        action,
        kind: 'gateway',
        title: `${definition.title} (${variantLabel(variant)})`,
        check,
        variant,
        ...(definition.liveUnsafe ? { liveUnsafe: definition.liveUnsafe } : {}),
      });
    }
  }
  return cases;
}

async function judgeGatewayCase(c: GatewayCase, { run, params: wire }: CaseContext): Promise<Outcome> {
  const { target } = run;
  const definition = gatewayChecks[c.check];
  if (definition.signature && !target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  const unsafe = unsafeSkip(run, c.liveUnsafe);
  if (unsafe) return unsafe;
  const params = wire();
  const now = target.clock.now();
  const request = variantRequest(run, c.action, params, c.variant);
  const options = (() => {
    switch (c.check) {
      case 'tampered-signature':
        return { ...request, tamper: 'first-character' as const };
      case 'signature-middle-character':
        return { ...request, tamper: 'middle-character' as const };
      case 'signature-last-character':
        return { ...request, tamper: 'last-character' as const };
      case 'signature-letter-case':
        return { ...request, tamper: 'letter-case' as const };
      case 'wrong-secret':
        return {
          ...request,
          credentials: { ...target.credentials, accessKeySecret: `${target.credentials.accessKeySecret}-wrong` },
        };
      case 'unknown-access-key':
        return { ...request, credentials: { accessKeyId: `contract-unknown-key-${run.runId}`, accessKeySecret: 'x' } };
      case 'expired-timestamp':
        return { ...request, timestamp: utcSeconds(now - OUTSIDE) };
      case 'future-timestamp':
        return { ...request, timestamp: utcSeconds(now + OUTSIDE) };
      case 'malformed-timestamp':
        return { ...request, timestamp: utcSeconds(now).replace(/Z$/, '.123Z') };
      case 'timestamp-with-offset':
        return { ...request, timestamp: offsetTime(now, 8) };
      case 'timestamp-without-zone':
        return { ...request, timestamp: utcSeconds(now).replace(/Z$/, '') };
      case 'timestamp-as-epoch':
        return { ...request, timestamp: String(now) };
      case 'unknown-action':
        return { ...request, action: `${c.action}Unknown` };
      case 'unknown-version':
        return { ...request, version: '2099-01-01' };
      case 'unsigned-headers':
        return { ...request, signOnlyHost: true };
      case 'unhashed-body':
        // Some body it must be: an action without required parameters sends none, and an empty
        // body is what the empty hash covers — a harmless common parameter then.
        return {
          ...request,
          unhashedBody: new URLSearchParams(
            Object.keys(params).length > 0 ? params : { RegionId: 'cn-shanghai' },
          ).toString(),
        };
    }
  })();
  return {
    problems: await answerProblems(
      run,
      c.action,
      await rawRequest(target.baseUrl, options),
      definition.expected,
      c.variant.format,
    ),
  };
}

/** The gateway's checks of every action, in every transport variant they apply to. */
export const gatewayKind: CaseKind<GatewayCase> = {
  kinds: ['gateway'],
  cases: () => Object.keys(actions).flatMap(gatewayCases),
  judge: judgeGatewayCase,
};
