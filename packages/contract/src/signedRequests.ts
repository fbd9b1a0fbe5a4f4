import { checkAnswer } from './checkAnswer.ts';
import type { ContractRun } from './contractRun.ts';
import type { Expectation } from './expectation.ts';
import { utcSeconds } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import type { TransportVariant } from './transportVariants.ts';

/** Why a case that forges keys is not run against a live account unless asked. */
export const FORGES_KEYS = 'it signs with a key pair the account does not have; a live account may flag it';
/** Why a case that drains the quota is not run against a live account unless asked. */
export const SPENDS_QUOTA = 'it spends the quota every RAM user of the account shares (5 requests a second)';

/** The skip of a case unsafe against a live account unless `--include-unsafe`; undefined: run it. */
export function unsafeSkip(run: ContractRun, liveUnsafe: string | undefined): { skip: string } | undefined {
  return liveUnsafe && run.target.kind === 'live' && !run.target.includeUnsafe
    ? { skip: `unsafe against a live account: ${liveUnsafe}; --include-unsafe runs it` }
    : undefined;
}

/** Sends one request of the run (paced) and checks its answer against what was expected. */
export async function answerProblems(
  run: ContractRun,
  action: string,
  request: Request,
  expected: Expectation,
  format: 'JSON' | 'XML',
): Promise<string[]> {
  const response = await run.send(request);
  return checkAnswer(action, request.method, await readRaw(response), expected, format);
}

/** The options of a request correctly signed in one transport variant, with the target's key and clock. */
export function variantRequest(
  run: ContractRun,
  action: string,
  params: Record<string, string>,
  variant: TransportVariant,
) {
  return {
    action,
    params,
    signature: variant.signature,
    method: variant.method,
    format: variant.format,
    credentials: run.target.credentials,
    timestamp: utcSeconds(run.target.clock.now()),
  } as const;
}
