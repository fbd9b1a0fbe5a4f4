import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer } from './checkAnswer.ts';
import type { ContractRun } from './contractRun.ts';
import { type RawRequestOptions, rawRequest, utcSeconds } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import { variantRequest } from './signedRequests.ts';
import { minutesAndSeconds, TIMESTAMP_WINDOW_MS, WINDOW_EDGE_MS } from './timestampWindow.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** Requests the spec allows that our client happens not to send: the target must accept them. */
export type AcceptedCheckName = 'lowercase-format' | 'time-just-inside-past' | 'time-just-inside-future' | 'region-id';

export interface AcceptedCase {
  id: string;
  action: string;
  kind: 'accepted';
  title: string;
  check: AcceptedCheckName;
  variant: TransportVariant;
}

interface AcceptedCheck {
  title: string;
  applies?: (variant: TransportVariant) => boolean;
  /** How the request differs from the ordinary one. */
  change(run: ContractRun, descriptor: ActionDescriptor, variant: TransportVariant): Partial<RawRequestOptions>;
}

/** A request time just inside the window. */
const INSIDE = TIMESTAMP_WINDOW_MS - WINDOW_EDGE_MS;

export const acceptedChecks: Readonly<Record<AcceptedCheckName, AcceptedCheck>> = {
  'lowercase-format': {
    title: 'Format in lower case (json, xml), as the official SDK sends it: the answer in that format',
    change: (_run, _descriptor, variant) => ({ formatAs: variant.format.toLowerCase() }),
  },
  'time-just-inside-past': {
    title: `a request time ${minutesAndSeconds(INSIDE)} old, just inside the 15 minutes the gateway allows a client clock`,
    change: (run) => ({ timestamp: utcSeconds(run.target.clock.now() - INSIDE) }),
  },
  'time-just-inside-future': {
    title: `a request time ${minutesAndSeconds(INSIDE)} ahead, just inside the 15 minutes the gateway allows a client clock`,
    change: (run) => ({ timestamp: utcSeconds(run.target.clock.now() + INSIDE) }),
  },
  'region-id': {
    title: 'the optional common parameter RegionId, naming a region of the API',
    applies: (v) => v.signature === 'v1',
    change: (_run, descriptor) => ({
      protocol: { RegionId: descriptor.family.endpoints.regionalRegions[0] ?? 'cn-shanghai' },
    }),
  },
};

/** Each accepted check of an action in every variant it applies to. */
export function acceptedCases(action: string): AcceptedCase[] {
  return (Object.entries(acceptedChecks) as [AcceptedCheckName, AcceptedCheck][]).flatMap(([check, definition]) =>
    TRANSPORT_VARIANTS.filter(definition.applies ?? (() => true)).map((variant) => ({
      id: `${action}/accepted/${check}/${variantLabel(variant)}`,
      action,
      kind: 'accepted' as const,
      title: `${definition.title} (${variantLabel(variant)})`,
      check,
      variant,
    })),
  );
}

/** Sends the ordinary request, changed as the check says: the answer must be the success. */
async function judgeAcceptedCase(c: AcceptedCase, { run, descriptor, params }: CaseContext): Promise<Outcome> {
  const { variant } = c;
  const request = await rawRequest(run.target.baseUrl, {
    ...variantRequest(run, c.action, params(), variant),
    ...acceptedChecks[c.check].change(run, descriptor, variant),
  });
  const raw = await readRaw(await run.send(request));
  return { problems: checkAnswer(c.action, variant.method, raw, { outcome: 'success' }, variant.format) };
}

/** Requests the spec allows that our client does not send; the target must accept them. */
export const acceptedKind: CaseKind<AcceptedCase> = {
  kinds: ['accepted'],
  cases: () => Object.keys(actions).flatMap(acceptedCases),
  judge: judgeAcceptedCase,
};
