import { acceptedKind } from './acceptedCases.ts';
import type { CaseKind, CaseOf } from './caseKind.ts';
import { edgeKind } from './edgeCases.ts';
import { exampleKind } from './exampleCase.ts';
import { exchangeKind } from './exchangeCase.ts';
import { gatewayKind } from './gatewayCase.ts';
import { instanceKind } from './instanceCases.ts';
import { lifecycleKind } from './lifecycle.ts';
import { lifecycleCoverageKind } from './lifecycleCoverageCase.ts';
import { omissionKind } from './omissionCase.ts';
import { pagingKind } from './pagingCases.ts';
import { parameterKind } from './parameterCases.ts';
import { reachabilityKind } from './reachabilityCase.ts';
import { replayKind } from './replayCase.ts';
import { requestIdKind } from './requestIdCase.ts';
import { throttlingKind } from './throttlingCase.ts';
import { transportKind } from './transportCase.ts';

/**
 * Every kind of case, in the order a run puts its target through them: the spec's examples, the
 * answers' bytes (a transport lie is named before it spoils other cases), the exchanges (whose requests are replayed later), the parameter cases and the valid side of
 * their edges, what the target must accept, the gateway's checks, instance rules, the lifecycles and
 * what they covered, the replays (as late as possible: a nonce must stay used), throttling (it drains the quota), and last the check that
 * every answer of the run had its own RequestId. A new kind is a file exporting its `CaseKind`,
 * listed here.
 */
export const caseKinds = [
  exampleKind,
  transportKind,
  exchangeKind,
  parameterKind,
  edgeKind,
  acceptedKind,
  gatewayKind,
  omissionKind,
  pagingKind,
  instanceKind,
  lifecycleKind,
  lifecycleCoverageKind,
  replayKind,
  throttlingKind,
  requestIdKind,
] as const;

/** Every case the kit runs. */
export type KitCase = CaseOf<(typeof caseKinds)[number]> | CaseOf<typeof reachabilityKind>;

const byKind = new Map<string, CaseKind>(
  [...caseKinds, reachabilityKind].flatMap((kind) => kind.kinds.map((name) => [name, kind as unknown as CaseKind])),
);

/** The kind a case belongs to. */
export function kindOf(c: KitCase): CaseKind {
  const kind = byKind.get(c.kind);
  if (!kind) throw new Error(`no case kind ${c.kind}`);
  return kind;
}
