import type { ActionDescriptor } from '@iot-task/spec';
import type { OperationClient } from './clientTransport.ts';
import { PaginationError, ValidationError } from './errors.ts';
import { type CallOptions, invoke } from './invokeAction.ts';

export interface PageOptions extends CallOptions {
  /** Stop after this many pages (the last one read is yielded). @default no limit */
  maxPages?: number;
}

/** The items of a page at the descriptor's dotted path (`Data.DeviceInfo`), or undefined. */
function itemsAt(result: unknown, path: string): unknown {
  let node = result;
  for (const key of path.split('.')) node = (node as Record<string, unknown> | null | undefined)?.[key];
  return node;
}

/**
 * Every page of a paged action, in order. By token (`kind: 'token'`): each answer's token field
 * asks for the next page until an answer has none; a token handed out twice would loop forever,
 * so it ends the iteration with a PaginationError. By page number (`kind: 'page-number'`): page
 * 1, 2, … (from the page the params ask for) until the items read reach the answer's total, or
 * a page has no items. Each page is one call (validated, within the quota, retried as the client
 * says). Breaking out of the loop stops asking.
 */
export async function* paginate<TResult>(
  client: OperationClient,
  descriptor: ActionDescriptor,
  params: object,
  options: PageOptions = {},
): AsyncGenerator<TResult, void, undefined> {
  const { paging, action } = descriptor;
  if (!paging) throw new ValidationError('action', `a paged action; ${action} has no pages`, action);
  const { maxPages, ...callOptions } = options;
  if (maxPages !== undefined && (!Number.isInteger(maxPages) || maxPages < 1)) {
    throw new ValidationError('maxPages', 'a positive integer', String(maxPages));
  }
  const seen = new Set<string>();
  let request: object = params;
  let itemsRead = 0;
  for (let page = 1; ; page++) {
    const result = await invoke<TResult>(client, descriptor, request, callOptions);
    yield result;
    if (maxPages !== undefined && page >= maxPages) return;
    if (paging.kind === 'page-number') {
      const items = itemsAt(result, paging.items);
      const total = (result as Record<string, unknown>)[paging.totalField];
      itemsRead += Array.isArray(items) ? items.length : 0;
      if (!Array.isArray(items) || items.length === 0 || typeof total !== 'number' || itemsRead >= total) return;
      const asked = (request as Record<string, unknown>)[paging.pageParameter];
      request = { ...params, [paging.pageParameter]: (typeof asked === 'number' ? asked : 1) + 1 };
      continue;
    }
    const next = (result as Record<string, unknown>)[paging.tokenField];
    if (typeof next !== 'string' || next === '') return;
    const given = (request as Record<string, unknown>)[paging.tokenParameter];
    if (seen.has(next) || next === given) {
      throw new PaginationError(action, next, page, (result as { RequestId?: string }).RequestId);
    }
    seen.add(next);
    request = { ...params, [paging.tokenParameter]: next };
  }
}
