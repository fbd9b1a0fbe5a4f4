/**
 * A hey-api plugin: for one RPC action, the typed function the client's users call
 * (`queryTask(client, params)`, and for a paged action `listTaskPages`), written next to the
 * types @hey-api/typescript generates, which it refers to through hey-api's symbol table.
 * Output: `operation.gen.ts` in the action's folder.
 */
import { $, type DefinePlugin, definePluginConfig } from '@hey-api/openapi-ts';
import type { ActionDocument } from '../loadSpecSet.ts';

export interface ActionOperationConfig {
  readonly name: 'operation';
  /** The action, as the spec describes it. */
  action: string;
  summary: string;
  description: string;
  /** Query parameters the runtime sets itself: left out of the params type. */
  commonParameters: readonly string[];
  paging: ActionDocument['paging'];
  quota: { requestsPerSecond: number; scope: string } | undefined;
  /** Module specifiers, as seen from the action's folder. */
  modules: { spec: string; runtime: string };
}

type ActionOperationPlugin = DefinePlugin<ActionOperationConfig>;

export const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

const handler: ActionOperationPlugin['Handler'] = ({ plugin }) => {
  const { action, commonParameters, paging, modules, summary, description, quota } = plugin.config;
  const descriptor = plugin.symbol(action, { external: modules.spec });
  const runtime = (name: string, kind?: 'type') =>
    plugin.symbol(name, { external: modules.runtime, ...(kind ? { kind } : {}) });
  const invoke = runtime('invoke');
  const paginate = runtime('paginate');
  const OperationClient = runtime('OperationClient', 'type');
  const CallOptions = runtime('CallOptions', 'type');
  const PageOptions = runtime('PageOptions', 'type');
  const Decoded = runtime('Decoded', 'type');

  // Both operations (GET and POST) have the same parameters and answers: the first one types them.
  let written = false;
  plugin.forEach(
    'operation',
    ({ operation }) => {
      if (written) return;
      written = true;
      const role = (r: string) =>
        plugin.referenceSymbol({ category: 'type', resource: 'operation', resourceId: operation.id, role: r });
      const params = plugin.symbol(`${action}Params`);
      const result = plugin.symbol(`${action}Result`);
      const omitted = commonParameters.map((name) => $.type.literal(name));
      plugin.node(
        $.type
          .alias(params)
          .export()
          .doc([`The parameters of \`${action}\` (the runtime adds the common ones).`])
          .type(
            // NonNullable: an action without a required parameter has an optional `query`, and
            // Omit<T | undefined, K> is {}, which would take any object (a typo, a wrong type).
            $.type('Omit', (t) =>
              t.generics(
                $.type('NonNullable').generic($.type(role('data')).idx($.type.literal('query'))),
                omitted.length > 0 ? $.type.or(...omitted) : $.type('never'),
              ),
            ),
          ),
      );
      plugin.node(
        $.type
          .alias(result)
          .export()
          .doc([`The success body of \`${action}\`, decoded (numbers as numbers, enums open).`])
          .type(
            $.type(Decoded).generic(
              $.type('Extract', (t) =>
                t.generics(
                  $.type(role('responses')).idx($.type.literal(200)),
                  $.type.object().prop('Success', (p) => p.type($.type.literal(true))),
                ),
              ),
            ),
          ),
      );
      const doc = [
        summary,
        ...(description ? ['', ...description.trim().split('\n')] : []),
        ...(quota ? ['', `Quota: ${quota.requestsPerSecond} requests a second per ${quota.scope}.`] : []),
        '',
        `@example const result = await ${lowerFirst(action)}(client, params);`,
      ];
      plugin.node(
        $.const(plugin.symbol(lowerFirst(action)))
          .export()
          .doc(doc)
          .assign(
            $.func()
              .param('client', (p) => p.type($.type(OperationClient)))
              .param('params', (p) => p.type($.type(params)))
              .param('options', (p) => p.optional().type($.type(CallOptions)))
              .returns($.type('Promise').generic($.type(result)))
              .do($(invoke).call($('client'), $(descriptor), $('params'), $('options')).return()),
          ),
      );
      if (paging) {
        plugin.node(
          $.const(plugin.symbol(`${lowerFirst(action)}Pages`))
            .export()
            .doc([
              ...(paging.kind === 'token'
                ? [
                    `Every page of \`${action}\`, in order: each answer's \`${paging.tokenField}\` asks for the next`,
                    `(as \`${paging.tokenParameter}\`) until the last page, which has none.`,
                  ]
                : [
                    `Every page of \`${action}\`, in order: \`${paging.pageParameter}\` 1, 2, … while`,
                    `\`${paging.pageParameter}\` × \`${paging.sizeParameter}\` < the answer's \`${paging.totalField}\`.`,
                  ]),
              '',
              `@example for await (const page of ${lowerFirst(action)}Pages(client, params)) console.log(page.${paging.items});`,
            ])
            .assign(
              $.func()
                .param('client', (p) => p.type($.type(OperationClient)))
                .param('params', (p) => p.type($.type(params)))
                .param('options', (p) => p.optional().type($.type(PageOptions)))
                .returns($.type('AsyncGenerator').generics($.type(result), $.type('void'), $.type('undefined')))
                .do($(paginate).call($('client'), $(descriptor), $('params'), $('options')).return()),
            ),
        );
      }
    },
    { order: 'declarations' },
  );
};

/** The plugin, configured for one action: `actionOperationPlugin({ action, … })` in hey-api's `plugins`. */
export const actionOperationPlugin = definePluginConfig({
  name: 'operation',
  dependencies: ['@hey-api/typescript'],
  config: {},
  handler,
} as never) as unknown as (config: Omit<ActionOperationConfig, 'name'>) => never;
