import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, parseAnswer } from './checkAnswer.ts';
import { noAnswerReason } from './contractRun.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** The most pages the kit follows: a list that has not ended by then never will. */
export const MAX_PAGES = 100;

/** A paged action's pages, followed from the first to the last. */
export interface PagingCase {
  id: string;
  action: string;
  kind: 'paging';
  title: string;
  variant: TransportVariant;
}

/** One case per paged action (`x-iot-task-paging`): its pages end. */
export function pagingCases(action: string): PagingCase[] {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  if (!descriptor?.paging) return [];
  const variant = TRANSPORT_VARIANTS[0] as TransportVariant;
  return [
    {
      id: `${action}/paging`,
      action,
      kind: 'paging',
      title: `every page of an ordinary list is a success, each ${descriptor.paging.tokenField} is new, and the last page has none (within ${MAX_PAGES} pages)`,
      variant,
    },
  ];
}

/**
 * Follows the pages of the ordinary request: each answer must be the success, each token asks
 * for the next page and must not have been handed out before (following it would loop), and the
 * list must end — a page without a token — within MAX_PAGES.
 */
async function judgePagingCase(c: PagingCase, { run, descriptor, params: wire }: CaseContext): Promise<Outcome> {
  const params = wire();
  const paging = descriptor.paging;
  if (!paging) return { problems: [`${c.action} is not described as paged`] };
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    let raw: Awaited<ReturnType<typeof readRaw>>;
    try {
      const request = await rawRequest(run.target.baseUrl, {
        action: c.action,
        params: token === undefined ? params : { ...params, [paging.tokenParameter]: token },
        signature: c.variant.signature,
        method: c.variant.method,
        format: c.variant.format,
        credentials: run.target.credentials,
        timestamp: utcSeconds(run.target.clock.now()),
      });
      raw = await readRaw(await run.send(request));
    } catch (error) {
      return { problems: [`page ${page}: ${noAnswerReason(error)}`] };
    }
    const problems = checkAnswer(c.action, c.variant.method, raw, { outcome: 'success' }, c.variant.format);
    if (problems.length > 0)
      return { problems: problems.map((p) => `page ${page} (${variantLabel(c.variant)}): ${p}`) };
    const parsed = parseAnswer(c.action, raw, c.variant.format);
    const next = 'body' in parsed ? (parsed.body as Record<string, unknown>)[paging.tokenField] : undefined;
    if (next === undefined || next === null || next === '') return { problems: [] };
    if (typeof next !== 'string') return { problems: [`page ${page}: ${paging.tokenField} is not a string`] };
    if (seen.has(next) || next === token) {
      return {
        problems: [
          `page ${page} handed out ${paging.tokenField} ${JSON.stringify(next)} again: following it would never end`,
        ],
      };
    }
    seen.add(next);
    token = next;
  }
  return {
    problems: [`the list had not ended after ${MAX_PAGES} pages (each page carried a new ${paging.tokenField})`],
  };
}

/** A paged action's pages followed to the end. */
export const pagingKind: CaseKind<PagingCase> = {
  kinds: ['paging'],
  cases: () => Object.keys(actions).flatMap(pagingCases),
  judge: judgePagingCase,
};
