import { bannerLines } from '../banner.ts';
import type { Layout } from '../layout.ts';
import type { ActionDocument, PageNumberPaging, SpecSet } from '../loadSpecSet.ts';
import { lowerFirst } from '../plugins/actionOperation.ts';
import { resolve } from '../resolveRef.ts';
import { parametersOf } from '../wireShapeRules.ts';

/**
 * `@iot-task/react`: for every read action (`x-acs-operation-type: read`), TanStack Query options
 * and a hook on the client's generated operation — `listTaskQueryOptions`, `useListTask`,
 * `useSuspenseListTask` — and for a paged action the infinite query that follows its token
 * (`listTaskInfiniteQueryOptions`, `useListTaskInfinite`), or, for one paged by number, the infinite
 * query of pages 1, 2, … until the total is read. A write action (`write`) is no query — fetching
 * it on mount, on focus or on a stale cache would repeat the write — so it gets a mutation instead:
 * `createJobMutationOptions`, and `useCreateJob()` whose `mutate(params)` sends it once.
 */
export function emitReactHooks(set: SpecSet, layout: Layout): string {
  const client = layout.clientModule(layout.react);
  const runtime = layout.reactRuntimeModule(layout.react);
  const reads = set.actions.filter((a) => a.operationType === 'read');
  const blocks = reads.map(({ action, document, paging }) => {
    const fn = lowerFirst(action);
    const summary = String(document.info.summary ?? action);
    const query = `/**
 * TanStack Query options of \`${action}\` (${summary.replace(/\.$/, '')}): its key, a query function
 * sent through the client's runtime (validation, quota, signing, retries, typed errors) and no
 * retries of its own: the client's are the only layer. For \`prefetchQuery\`, \`ensureQueryData\`, \`useQueries\`.
 */
export function ${fn}QueryOptions(client: OperationClient, params: ${action}Params): ActionQuery<${action}Result> {
  return {
    queryKey: actionQueryKey(client, '${action}', params),
    queryFn: ({ signal }) => ${fn}(client, params, { signal }),
    retry: false,
  };
}

/**
 * ${summary}
 *
 * @example const { data, error } = use${action}(params);
 */
export function use${action}<TSelected = ${action}Result>(
  params: ${action}Params,
  options: ActionQueryOptions<${action}Result, TSelected> = {},
): UseQueryResult<TSelected, AnyIotTaskError> {
  const { queryKey, queryFn, retry } = ${fn}QueryOptions(useIotTaskClient(), params);
  return useQuery<${action}Result, AnyIotTaskError, TSelected>({ queryKey, queryFn, retry, ...options });
}

/** use${action} for Suspense: suspends until the first answer; errors go to the nearest error boundary. */
export function useSuspense${action}<TSelected = ${action}Result>(
  params: ${action}Params,
  options: Omit<ActionQueryOptions<${action}Result, TSelected>, 'enabled'> = {},
): UseSuspenseQueryResult<TSelected, AnyIotTaskError> {
  const { queryKey, queryFn, retry } = ${fn}QueryOptions(useIotTaskClient(), params);
  return useSuspenseQuery<${action}Result, AnyIotTaskError, TSelected>({ queryKey, queryFn, retry, ...options });
}
`;
    if (!paging) return query;
    if (paging.kind === 'page-number') return `${query}\n${pageNumberHooks(action, paging, sizeOf(document, paging))}`;
    return `${query}
/**
 * Infinite query options of \`${action}\`: one page per \`${paging.tokenParameter}\`, the next asked with
 * the last page's \`${paging.tokenField}\`; no next page once an answer has none.
 */
export function ${fn}InfiniteQueryOptions(
  client: OperationClient,
  params: ${action}Params,
): ActionInfiniteQuery<${action}Result> {
  return {
    queryKey: actionQueryKey(client, '${action}', params, 'pages'),
    queryFn: ({ pageParam, signal }) =>
      ${fn}(client, pageParam === undefined ? params : { ...params, ${paging.tokenParameter}: pageParam }, { signal }),
    initialPageParam: undefined,
    getNextPageParam: (page) => nextPageToken(page.${paging.tokenField}),
    retry: false,
  };
}

/**
 * Every page of \`${action}\`, loaded one \`fetchNextPage()\` at a time.
 *
 * @example const { data, fetchNextPage, hasNextPage } = use${action}Infinite(params);
 */
export function use${action}Infinite(
  params: ${action}Params,
  options: ActionInfiniteQueryOptions<${action}Result> = {},
): UseInfiniteQueryResult<ActionPages<${action}Result>, AnyIotTaskError> {
  const query = ${fn}InfiniteQueryOptions(useIotTaskClient(), params);
  return useInfiniteQuery<${action}Result, AnyIotTaskError, ActionPages<${action}Result>, readonly unknown[], string | undefined>({
    ...query,
    ...options,
  });
}
`;
  });
  const writes = set.actions.filter((a) => a.operationType === 'write');
  blocks.push(...writes.map(({ action, document }) => mutationHooks(action, String(document.info.summary ?? action))));
  const paged = reads.filter((a) => a.paging?.kind === 'token');
  const numbered = reads.filter((a) => a.paging?.kind === 'page-number');
  const clientImports = [...reads, ...writes].flatMap(({ action }) => [
    lowerFirst(action),
    `type ${action}Params`,
    `type ${action}Result`,
  ]);
  const tanstack = [
    ...(reads.length > 0 ? ['type UseQueryResult', 'type UseSuspenseQueryResult', 'useQuery', 'useSuspenseQuery'] : []),
    ...(writes.length > 0 ? ['type UseMutationResult', 'useMutation'] : []),
    ...(paged.length + numbered.length > 0 ? ['type UseInfiniteQueryResult', 'useInfiniteQuery'] : []),
    ...(numbered.length > 0 ? ['type InfiniteData', 'type QueryFunction', 'type UseInfiniteQueryOptions'] : []),
  ];
  const runtimeImports = [
    ...(reads.length > 0 ? ['type ActionQuery', 'actionQueryKey', 'type ActionQueryOptions'] : []),
    ...(writes.length > 0 ? ['type ActionMutation', 'actionMutationKey', 'type ActionMutationOptions'] : []),
    'type AnyIotTaskError',
    'type OperationClient',
    'useIotTaskClient',
    ...(paged.length > 0
      ? ['type ActionInfiniteQuery', 'type ActionInfiniteQueryOptions', 'type ActionPages', 'nextPageToken']
      : []),
  ];
  return `${bannerLines('tools/codegen', set.manifests.join(', ')).join('\n')}

import { ${tanstack.join(', ')} } from '@tanstack/react-query';
import { ${clientImports.join(', ')} } from '${client}';
import { ${runtimeImports.join(', ')} } from '${runtime}';

${numbered.length > 0 ? `${PAGE_NUMBER_TYPES}\n` : ''}${blocks.join('\n')}`;
}

function mutationHooks(action: string, summary: string): string {
  const fn = lowerFirst(action);
  return `/**
 * TanStack Query mutation options of \`${action}\` (${summary.replace(/\.$/, '')}): its key and a
 * function that sends it once through the client's runtime (validation, quota, signing, typed
 * errors); the client repeats it only where the server surely did not act on it.
 */
export function ${fn}MutationOptions(client: OperationClient): ActionMutation<${action}Result, ${action}Params> {
  return {
    mutationKey: actionMutationKey(client, '${action}'),
    mutationFn: (params) => ${fn}(client, params),
    retry: false,
  };
}

/**
 * ${summary} A write: nothing is sent until \`mutate(params)\`, and then once.
 *
 * @example const { mutate, data, error, isPending } = use${action}(); mutate(params);
 */
export function use${action}<TContext = unknown>(
  options: ActionMutationOptions<${action}Result, ${action}Params, TContext> = {},
): UseMutationResult<${action}Result, AnyIotTaskError, ${action}Params, TContext> {
  return useMutation<${action}Result, AnyIotTaskError, ${action}Params, TContext>({
    ...${fn}MutationOptions(useIotTaskClient()),
    ...options,
  });
}
`;
}

/** The page size the server uses when the parameter is left out (the spec's default), if any. */
function sizeOf(document: ActionDocument['document'], paging: PageNumberPaging): number | undefined {
  const param = parametersOf(document).find((p) => p.name === paging.sizeParameter && p.in === 'query');
  const schema = resolve(document, param?.schema) as { default?: unknown } | undefined;
  return typeof schema?.default === 'number' ? schema.default : undefined;
}

/** What the hooks of an action paged by number take and give: its page parameter is a number. */
const PAGE_NUMBER_TYPES = `/** The infinite query of an action paged by number: page 1, 2, … until the items of all pages are read. */
export interface PageNumberInfiniteQuery<TResult> {
  queryKey: readonly unknown[];
  queryFn: QueryFunction<TResult, readonly unknown[], number>;
  initialPageParam: number;
  getNextPageParam: (page: TResult, pages: TResult[], pageParam: number) => number | undefined;
  /** Off, as for ActionQuery: the client retries. */
  retry: false;
}

/** The data of the infinite query of an action paged by number. */
export type PageNumberPages<TResult> = InfiniteData<TResult, number>;

/** What an infinite hook paged by number takes besides the action's parameters: TanStack Query's options, but the paging. */
export type PageNumberInfiniteQueryOptions<TResult> = Omit<
  UseInfiniteQueryOptions<TResult, AnyIotTaskError, PageNumberPages<TResult>, readonly unknown[], number>,
  'queryKey' | 'queryFn' | 'initialPageParam' | 'getNextPageParam'
>;
`;

function pageNumberHooks(action: string, paging: PageNumberPaging, defaultSize: number | undefined): string {
  const fn = lowerFirst(action);
  const { pageParameter: page, sizeParameter: size, totalField: total } = paging;
  const pageSize = defaultSize === undefined ? `params.${size}` : `(params.${size} ?? ${defaultSize})`;
  return `/**
 * Infinite query options of \`${action}\`: \`${page}\` 1, 2, …, each page of \`${size}\` items${defaultSize === undefined ? '' : ` (${defaultSize} when not given)`};
 * no next page once \`${page}\` × \`${size}\` reaches the answer's \`${total}\`.
 */
export function ${fn}InfiniteQueryOptions(
  client: OperationClient,
  params: ${action}Params,
): PageNumberInfiniteQuery<${action}Result> {
  return {
    queryKey: actionQueryKey(client, '${action}', params, 'pages'),
    queryFn: ({ pageParam, signal }) => ${fn}(client, { ...params, ${page}: pageParam }, { signal }),
    initialPageParam: 1,
    getNextPageParam: (last, _pages, current) => (current * ${pageSize} < last.${total} ? current + 1 : undefined),
    retry: false,
  };
}

/**
 * Every page of \`${action}\`, loaded one \`fetchNextPage()\` at a time.
 *
 * @example const { data, fetchNextPage, hasNextPage } = use${action}Infinite(params);
 */
export function use${action}Infinite(
  params: ${action}Params,
  options: PageNumberInfiniteQueryOptions<${action}Result> = {},
): UseInfiniteQueryResult<PageNumberPages<${action}Result>, AnyIotTaskError> {
  const query = ${fn}InfiniteQueryOptions(useIotTaskClient(), params);
  return useInfiniteQuery<${action}Result, AnyIotTaskError, PageNumberPages<${action}Result>, readonly unknown[], number>({
    ...query,
    ...options,
  });
}
`;
}
