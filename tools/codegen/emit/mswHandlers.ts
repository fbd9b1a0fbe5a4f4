import { bannerLines } from '../banner.ts';
import type { Layout } from '../layout.ts';
import type { SpecSet } from '../loadSpecSet.ts';

/**
 * `@iot-task/msw`: one typed MSW handler factory per action, in the spirit of msw's own API:
 * `handleQueryTask()` answers with the spec's example, `handleQueryTask({ body })` with a body,
 * `handleQueryTask((info) => …)` with a resolver. Requests are matched by RPC action (query,
 * form body or `x-acs-action`), not by path, since every action shares `/`.
 */
export function emitMswHandlers(set: SpecSet, layout: Layout): string {
  const spec = layout.specModule(layout.msw);
  const runtime = layout.mswRuntimeModule(layout.msw);
  const blocks = set.actions.map(({ action, document }) => {
    const item = document.paths['/'] as Record<string, unknown>;
    const method = item.get ? 'get' : 'post';
    return `/** The \`${action}\` action's own query parameters (the common ones are not listed). */
export type ${action}Params = Omit<NonNullable<${action}Types.paths['/']['${method}']['parameters']['query']>, CommonQueryParameter>;
/** A \`${action}\` HTTP 200 body: the result, or a business error (\`Success: false\`). */
export type ${action}Body = ${action}Types.paths['/']['${method}']['responses'][200]['content']['application/json'];

/**
 * MSW handler for the \`${action}\` action: GET and POST \`/\`, matched by \`Action\` (query or form
 * body) or the \`x-acs-action\` header. Without arguments it answers with the spec's example.
 *
 * @example server.use(handle${action}({ body: { ...example, Success: true } }))
 */
export function handle${action}(
  response?: ActionResponse<${action}Params, ${action}Body>,
  options?: ActionHandlerOptions,
): HttpHandler {
  return actionHandler('${action}', response, options);
}
`;
  });
  return `${bannerLines('tools/codegen', set.manifests.join(', ')).join('\n')}

import type { HttpHandler } from 'msw';
import type { ${set.actions.map((a) => `${a.action}Types`).join(', ')} } from '${spec}';
import { type ActionHandlerOptions, type ActionResponse, actionHandler, type CommonQueryParameter } from '${runtime}';

${blocks.join('\n')}
/** Every action's handler factory, by action name. */
export const actionHandlers = {
${set.actions.map((a) => `  ${a.action}: handle${a.action},`).join('\n')}
} as const;
`;
}
