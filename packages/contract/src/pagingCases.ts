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
      title:
        descriptor.paging.kind === 'token'
          ? `every page of an ordinary list is a success, each ${descriptor.paging.tokenField} is new, and the last page has none (within ${MAX_PAGES} pages)`
          : `every page of an ordinary list (${descriptor.paging.pageParameter} 1, 2, …) is a success with the same ${descriptor.paging.totalField}, and the pages hold that many items (within ${MAX_PAGES} pages)`,
      variant,
    },
  ];
}

/** One page of the ordinary request, checked as a success: its parsed body, or what was wrong. */
async function readPage(
  c: PagingCase,
  { run }: CaseContext,
  params: Readonly<Record<string, string>>,
  page: number,
): Promise<{ body: Record<string, unknown> } | { problems: string[] }> {
  let raw: Awaited<ReturnType<typeof readRaw>>;
  try {
    const request = await rawRequest(run.target.baseUrl, {
      action: c.action,
      params,
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
  if (problems.length > 0) return { problems: problems.map((p) => `page ${page} (${variantLabel(c.variant)}): ${p}`) };
  const parsed = parseAnswer(c.action, raw, c.variant.format);
  return 'body' in parsed ? { body: parsed.body as Record<string, unknown> } : { problems: [`page ${page}: no body`] };
}

function itemsAt(body: Record<string, unknown>, path: string): unknown {
  let node: unknown = body;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | null | undefined)?.[key];
  return node;
}

/**
 * Follows the pages of the ordinary request. By token: each answer must be the success, each
 * token asks for the next page and must not have been handed out before (following it would
 * loop), and the list must end — a page without a token — within MAX_PAGES. By page number:
 * pages 1, 2, … are successes with one and the same total, none holds more items than the page
 * size asked, and the items add up to the total (a short page before it, or items beyond it, is
 * a lie about the list) within MAX_PAGES.
 */
async function judgePagingCase(c: PagingCase, context: CaseContext): Promise<Outcome> {
  const params = context.params();
  const paging = context.descriptor.paging;
  if (!paging) return { problems: [`${c.action} is not described as paged`] };
  if (paging.kind === 'page-number') {
    let total: number | undefined;
    let read = 0;
    const size = Number(params[paging.sizeParameter] ?? NaN);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await readPage(c, context, { ...params, [paging.pageParameter]: String(page) }, page);
      if ('problems' in answer) return answer;
      const items = itemsAt(answer.body, paging.items);
      const said = answer.body[paging.totalField];
      if (typeof said !== 'number') return { problems: [`page ${page}: ${paging.totalField} is not a number`] };
      if (total !== undefined && said !== total)
        return {
          problems: [`page ${page} says ${paging.totalField} ${said}, page 1 said ${total}: one list, one total`],
        };
      total = said;
      const count = Array.isArray(items) ? items.length : 0;
      if (Number.isInteger(size) && count > size)
        return { problems: [`page ${page} holds ${count} items, more than ${paging.sizeParameter} ${size}`] };
      read += count;
      if (read > total)
        return { problems: [`pages 1…${page} hold ${read} items, more than ${paging.totalField} ${total}`] };
      if (read === total) return { problems: [] };
      if (count === 0)
        return {
          problems: [`page ${page} is empty after ${read} of ${paging.totalField} ${total} items: the list ends short`],
        };
    }
    return { problems: [`the list had not reached its ${paging.totalField} after ${MAX_PAGES} pages`] };
  }
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await readPage(
      c,
      context,
      token === undefined ? params : { ...params, [paging.tokenParameter]: token },
      page,
    );
    if ('problems' in answer) return answer;
    const next = answer.body[paging.tokenField];
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
