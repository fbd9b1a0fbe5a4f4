import type { ActionDescriptor } from '@iot-task/spec';
import type { OperationClient } from './clientTransport.ts';
import { PaginationError, ValidationError } from './errors.ts';
import { type CallOptions, invoke } from './invokeAction.ts';

export interface PageOptions extends CallOptions {
  /** Stop after this many pages (the last one read is yielded). @default no limit */
  maxPages?: number;
}

/**
 * Every page of a paged action, in order: each answer's token field asks for the next page until
 * an answer has none. Each page is one call (validated, within the quota, retried as the client
 * says). A token handed out twice would loop forever: it ends the iteration with a
 * PaginationError. Breaking out of the loop stops asking.
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
  for (let page = 1; ; page++) {
    const result = await invoke<TResult>(client, descriptor, request, callOptions);
    yield result;
    const next = (result as Record<string, unknown>)[paging.tokenField];
    if (typeof next !== 'string' || next === '' || (maxPages !== undefined && page >= maxPages)) return;
    const given = (request as Record<string, unknown>)[paging.tokenParameter];
    if (seen.has(next) || next === given) {
      throw new PaginationError(action, next, page, (result as { RequestId?: string }).RequestId);
    }
    seen.add(next);
    request = { ...params, [paging.tokenParameter]: next };
  }
}
