import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { type Expectation, gatewayError } from './expectation.ts';
import { rawRequest } from './rawRequest.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { schemeRequirements } from './specSchemas.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** A correctly signed request that lacks one part its signature scheme requires (or the signature). */
export interface OmissionCase {
  id: string;
  action: string;
  kind: 'omitted-part';
  title: string;
  parameter: string;
  variant: TransportVariant;
}

/** The signature parts each scheme requires (the spec's `x-acs-required-parameters`, and the signature). */
export function requiredParts(action: string): { signature: 'v1' | 'v3'; parameter: string }[] {
  return [
    ...schemeRequirements(action, 'AcsRpcSignatureV1').map((p) => ({ signature: 'v1' as const, parameter: p.name })),
    { signature: 'v1' as const, parameter: 'Signature' },
    ...schemeRequirements(action, 'Acs3HmacSha256').map((p) => ({ signature: 'v3' as const, parameter: p.name })),
    { signature: 'v3' as const, parameter: 'Authorization' },
  ];
}

/** The V1 name the gateway's codes use for a part (`x-acs-date` → `Timestamp`). */
const V1_NAME: Readonly<Record<string, string>> = {
  'x-acs-action': 'Action',
  'x-acs-version': 'Version',
  'x-acs-date': 'Timestamp',
  'x-acs-signature-nonce': 'SignatureNonce',
  'x-acs-content-sha256': 'ContentSha256',
};

/**
 * What leaving a part out must draw: `IncompleteSignature` (documented), or by the gateway's
 * Missing<Name> rule the part's own code; an absent Action or Version may also be an API not found,
 * an absent method an invalid one.
 */
export function omissionExpected(parameter: string): Expectation {
  const name = V1_NAME[parameter] ?? parameter;
  const also = [`Missing${name}`];
  if (name === 'Action' || name === 'Version') also.push('InvalidApi.NotFound');
  if (name === 'SignatureMethod') also.push('InvalidSignatureMethod');
  if (name === 'SignatureVersion') also.push('InvalidSignatureVersion');
  if (name === 'Timestamp') also.push('InvalidTimeStamp.Format');
  return gatewayError('IncompleteSignature', {
    also,
    statuses: name === 'Action' || name === 'Version' ? [400, 404] : [400],
    why: 'documented as IncompleteSignature; by its Missing<Name> rule the gateway may name the part instead',
  });
}

/** One case per required part of each scheme, in every variant of that scheme. */
export function omissionCases(action: string): OmissionCase[] {
  return requiredParts(action).flatMap(({ signature, parameter }) =>
    TRANSPORT_VARIANTS.filter((v) => v.signature === signature).map((variant) => ({
      id: `${action}/omitted/${parameter}/${variantLabel(variant)}`,
      action,
      kind: 'omitted-part',
      title: `a correctly signed request without ${parameter} (${variantLabel(variant)})`,
      parameter,
      variant,
    })),
  );
}

async function judgeOmissionCase(c: OmissionCase, { run, params }: CaseContext): Promise<Outcome> {
  if (!run.target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  const request = await rawRequest(run.target.baseUrl, {
    ...variantRequest(run, c.action, params(), c.variant),
    omit: [c.parameter],
  });
  return { problems: await answerProblems(run, c.action, request, omissionExpected(c.parameter), c.variant.format) };
}

/** Every part each signature scheme requires, left out of a correctly signed request. */
export const omissionKind: CaseKind<OmissionCase> = {
  kinds: ['omitted-part'],
  cases: () => Object.keys(actions).flatMap(omissionCases),
  judge: judgeOmissionCase,
};
