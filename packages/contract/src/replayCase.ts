import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { gatewayError } from './expectations.ts';
import { rawRequest } from './rawRequest.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/**
 * A nonce used again: a request that succeeded earlier in the run sent again as it was
 * (`identical`), or a new request, freshly signed in another variant, that reuses its nonce
 * (`same-nonce`: the gateway remembers nonces, not requests).
 */
export interface ReplayCase {
  id: string;
  action: string;
  kind: 'replay';
  title: string;
  mode: 'identical' | 'same-nonce';
  variant: TransportVariant;
}

/** A replay: SignatureNonceUsed, or — as a captured IoT answer had it — no Code with the catalogue message. */
const REPLAY_EXPECTED = gatewayError('SignatureNonceUsed', {
  orNoCode: true,
  why: 'a captured IoT answer to a replay carried only RequestId and the catalogue message, no Code',
});

export function replayCases(action: string): ReplayCase[] {
  return TRANSPORT_VARIANTS.flatMap((variant) => [
    {
      id: `${action}/replay/${variantLabel(variant)}`,
      action,
      kind: 'replay',
      title: `a request that succeeded earlier in the run, sent again as it was: SignatureNonceUsed (${variantLabel(variant)})`,
      mode: 'identical',
      variant,
    },
    {
      id: `${action}/replay/same-nonce/${variantLabel(variant)}`,
      action,
      kind: 'replay',
      title: `a new request, freshly signed, with the nonce of one in another variant that succeeded earlier: SignatureNonceUsed (${variantLabel(variant)})`,
      mode: 'same-nonce',
      variant,
    },
  ]);
}

/** The nonce a request carries (`SignatureNonce` for V1, `x-acs-signature-nonce` for V3). */
function nonceOf(request: Request): string | undefined {
  return (
    new URL(request.url).searchParams.get('SignatureNonce') ?? request.headers.get('x-acs-signature-nonce') ?? undefined
  );
}

async function judgeReplayCase(c: ReplayCase, { run, params }: CaseContext): Promise<Outcome> {
  if (!run.target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  // Identical: this variant's own request. Same nonce: the nonce of the next variant's request.
  const from =
    c.mode === 'identical'
      ? c.variant
      : (TRANSPORT_VARIANTS[
          (TRANSPORT_VARIANTS.indexOf(c.variant) + 1) % TRANSPORT_VARIANTS.length
        ] as TransportVariant);
  const earlier = run.sent.get(`${c.action}/${variantLabel(from)}`);
  if (!earlier)
    return {
      problems: [`no request of ${variantLabel(from)} succeeded earlier in the run, so there is none to replay`],
    };
  const request =
    c.mode === 'identical'
      ? earlier.clone()
      : await rawRequest(run.target.baseUrl, {
          ...variantRequest(run, c.action, params(), c.variant),
          nonce: nonceOf(earlier) ?? '',
        });
  return { problems: await answerProblems(run, c.action, request, REPLAY_EXPECTED, c.variant.format) };
}

/** Replays of the run's successful requests; late in the run, so a nonce must stay used a while. */
export const replayKind: CaseKind<ReplayCase> = {
  kinds: ['replay'],
  cases: () => Object.keys(actions).flatMap(replayCases),
  judge: judgeReplayCase,
};
