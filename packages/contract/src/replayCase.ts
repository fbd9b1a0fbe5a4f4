import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { gatewayError } from './expectation.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { minutesAndSeconds, TIMESTAMP_WINDOW_MS, WINDOW_EDGE_MS } from './timestampWindow.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/**
 * A nonce used again: a request that succeeded earlier in the run sent again as it was
 * (`identical`), a new request, freshly signed in another variant, that reuses its nonce
 * (`same-nonce`: the gateway remembers nonces, not requests), or a request whose time is old but
 * still inside the window, accepted and then sent again (`old-timestamp`: a nonce is remembered
 * as long as its request time is valid, not only while it is fresh).
 */
export interface ReplayCase {
  id: string;
  action: string;
  kind: 'replay';
  title: string;
  mode: 'identical' | 'same-nonce' | 'old-timestamp' | 'future-timestamp';
  variant: TransportVariant;
}

/** A replay: SignatureNonceUsed, or — as a captured IoT answer had it — no Code with the catalogue message. */
const REPLAY_EXPECTED = gatewayError('SignatureNonceUsed', {
  orNoCode: true,
  why: 'a captured IoT answer to a replay carried only RequestId and the catalogue message, no Code',
});

/** What each mode sends, and where its id puts it (the identical replay keeps the plain id). */
const MODES: readonly { mode: ReplayCase['mode']; path: string; title: () => string }[] = [
  {
    mode: 'identical',
    path: '',
    title: () => 'a request that succeeded earlier in the run, sent again as it was: SignatureNonceUsed',
  },
  {
    mode: 'same-nonce',
    path: 'same-nonce/',
    title: () =>
      'a new request, freshly signed, with the nonce of one in another variant that succeeded earlier: SignatureNonceUsed',
  },
  {
    mode: 'old-timestamp',
    path: 'old-timestamp/',
    title: () =>
      `a request ${minutesAndSeconds(INSIDE)} old (inside the window) is the success, and sent again it is SignatureNonceUsed`,
  },
  {
    mode: 'future-timestamp',
    path: 'future-timestamp/',
    title: () =>
      `a request ${minutesAndSeconds(INSIDE)} ahead (inside the window) is the success, and sent again it is SignatureNonceUsed`,
  },
];

export function replayCases(action: string): ReplayCase[] {
  return TRANSPORT_VARIANTS.flatMap((variant) =>
    MODES.map(({ mode, path, title }) => ({
      id: `${action}/replay/${path}${variantLabel(variant)}`,
      action,
      kind: 'replay' as const,
      title: `${title()} (${variantLabel(variant)})`,
      mode,
      variant,
    })),
  );
}

/** The nonce a request carries (`SignatureNonce` for V1, `x-acs-signature-nonce` for V3). */
function nonceOf(request: Request): string | undefined {
  return (
    new URL(request.url).searchParams.get('SignatureNonce') ?? request.headers.get('x-acs-signature-nonce') ?? undefined
  );
}

/** A request time just inside the window: a nonce sent with it must still be remembered. */
const INSIDE = TIMESTAMP_WINDOW_MS - WINDOW_EDGE_MS;

async function judgeReplayCase(c: ReplayCase, { run, params }: CaseContext): Promise<Outcome> {
  if (!run.target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  if (c.mode === 'old-timestamp' || c.mode === 'future-timestamp') {
    const options = {
      ...variantRequest(run, c.action, params(), c.variant),
      timestamp: utcSeconds(run.target.clock.now() + (c.mode === 'old-timestamp' ? -INSIDE : INSIDE)),
    };
    const first = await rawRequest(run.target.baseUrl, options);
    const again = first.clone();
    const accepted = await answerProblems(run, c.action, first, { outcome: 'success' }, c.variant.format);
    if (accepted.length > 0) return { problems: accepted.map((p) => `the first time: ${p}`) };
    const replayed = await answerProblems(run, c.action, again, REPLAY_EXPECTED, c.variant.format);
    return { problems: replayed.map((p) => `sent again: ${p}`) };
  }
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
