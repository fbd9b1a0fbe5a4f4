import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { bannerLines } from '../banner.ts';
import type { Layout } from '../layout.ts';
import type { ActionDocument, SpecSet } from '../loadSpecSet.ts';
import { actionOperationPlugin, lowerFirst } from '../plugins/actionOperation.ts';
import { resolve } from '../resolveRef.ts';

const heyApiVersion: string = createRequire(import.meta.url)('@hey-api/openapi-ts/package.json').version;
const GENERATOR = `@hey-api/openapi-ts ${heyApiVersion}`;
/** The bundled fetch client is written once and imported by every action through this specifier. */
const CLIENT_PACKAGE = '@hey-api/client-fetch';

type Plugins = Parameters<typeof createClient>[0] extends infer C
  ? C extends { plugins?: infer P }
    ? P
    : never
  : never;

async function runHeyApi(
  doc: ActionDocument,
  outDir: string,
  plugins: Plugins,
  resolveModule: (specifier: string) => string | undefined,
): Promise<void> {
  await createClient({
    input: doc.document as never,
    output: {
      path: outDir,
      clean: true,
      entryFile: false,
      header: () => bannerLines(GENERATOR, doc.source),
      module: { extension: '.js', resolve: (specifier: string) => resolveModule(specifier) },
    },
    logs: { level: 'silent' },
    plugins,
  });
}

/** The query parameters the runtime sets itself (`x-acs-common-parameter`), by name. */
export function commonQueryParameters(doc: ActionDocument): string[] {
  const item = doc.document.paths['/'] as { parameters?: unknown[] };
  return (item.parameters ?? [])
    .map((p) => resolve(doc.document, p) as { name?: string; in?: string; 'x-acs-common-parameter'?: boolean })
    .filter((p) => p.in === 'query' && p['x-acs-common-parameter'] === true)
    .map((p) => p.name as string);
}

function quotaOf(doc: ActionDocument): { requestsPerSecond: number; scope: string } | undefined {
  const item = doc.document.paths['/'] as Record<
    string,
    { 'x-acs-quota'?: { requestsPerSecond: number; scope: string } }
  >;
  return (item.get ?? item.post)?.['x-acs-quota'];
}

/**
 * `@iot-task/client`: the hey-api fetch client once (`client/`, `core/`); per action
 * `actions/<Action>/` with hey-api's types and SDK functions (the `@iot-task/client/actions/<Action>`
 * entry) and our plugin's typed operation; and `actions.gen.ts`, which binds every operation.
 */
export async function emitHeyApiClient(set: SpecSet, outRoot: string, layout: Layout): Promise<void> {
  const clientRoot = path.join(outRoot, layout.client);
  const [first] = set.actions;
  if (!first) return;
  // The fetch client is the same for every action: generate it once from the first document.
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'iot-task-hey-api-'));
  try {
    await runHeyApi(first, scratch, ['@hey-api/client-fetch', '@hey-api/typescript'], () => undefined);
    await cp(path.join(scratch, 'client'), path.join(clientRoot, 'client'), { recursive: true });
    await cp(path.join(scratch, 'core'), path.join(clientRoot, 'core'), { recursive: true });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  for (const doc of set.actions) {
    const folder = path.join(layout.client, 'actions', doc.action);
    await runHeyApi(
      doc,
      path.join(outRoot, folder),
      [
        { name: '@hey-api/client-fetch', bundle: false },
        '@hey-api/typescript',
        '@hey-api/sdk',
        actionOperationPlugin({
          action: doc.action,
          summary: String(doc.document.info.summary ?? doc.document.info.title),
          description: '',
          commonParameters: commonQueryParameters(doc),
          paging: doc.paging,
          quota: quotaOf(doc),
          modules: { spec: layout.specModule(folder), runtime: layout.clientRuntimeModule(folder) },
        }),
      ],
      (specifier) => (specifier === CLIENT_PACKAGE ? '../../client/index.js' : undefined),
    );
    await writeFile(
      path.join(outRoot, folder, 'index.ts'),
      `${bannerLines('tools/codegen', doc.source).join('\n')}

// The \`@iot-task/client/actions/${doc.action}\` entry: hey-api's SDK functions and types of the action.
export { client } from './client.gen.js';
export * from './sdk.gen.js';
export type * from './types.gen.js';
`,
    );
  }
  await writeFile(path.join(clientRoot, 'operations.gen.ts'), emitOperations(set));
  await writeFile(path.join(clientRoot, 'actions.gen.ts'), emitActionIndex(set, layout));
}

function operationsOf(set: SpecSet) {
  return set.actions.map((doc) => {
    const fn = lowerFirst(doc.action);
    const functions = doc.paging ? [fn, `${fn}Pages`] : [fn];
    return { doc, fn, functions, summary: String(doc.document.info.summary ?? doc.action) };
  });
}

/**
 * Every action's operation and types, re-exported one by one from the client's entry: an app
 * that imports one carries only that one.
 */
function emitOperations(set: SpecSet): string {
  return `${bannerLines('tools/codegen', set.manifests.join(', ')).join('\n')}

${operationsOf(set)
  .map(
    ({ doc, functions }) =>
      `export { ${[...functions, `type ${doc.action}Params`, `type ${doc.action}Result`].join(', ')} } from './actions/${doc.action}/operation.gen.js';`,
  )
  .join('\n')}
`;
}

/** Every action's operation bound as a method of a client (`bindActions`, which carries them all). */
function emitActionIndex(set: SpecSet, layout: Layout): string {
  const runtime = layout.clientRuntimeModule(layout.client);
  const entries = operationsOf(set);
  const imports = entries.map(
    ({ doc, functions }) =>
      `import { ${[...functions, `type ${doc.action}Params`, `type ${doc.action}Result`].join(', ')} } from './actions/${doc.action}/operation.gen.js';`,
  );
  const methods = entries.flatMap(({ doc, fn, summary }) => [
    `  /** ${summary} */`,
    `  ${fn}(params: ${doc.action}Params, options?: CallOptions): Promise<${doc.action}Result>;`,
    ...(doc.paging
      ? [
          doc.paging.kind === 'token'
            ? `  /** Every page of \`${doc.action}\`, following \`${doc.paging.tokenField}\` until the last. */`
            : `  /** Every page of \`${doc.action}\`, by \`${doc.paging.pageParameter}\` until \`${doc.paging.totalField}\` items. */`,
          `  ${fn}Pages(params: ${doc.action}Params, options?: PageOptions): AsyncGenerator<${doc.action}Result, void, undefined>;`,
        ]
      : []),
  ]);
  const bound = entries.flatMap(({ functions }) =>
    functions.map((f) => `    ${f}: (params, options) => ${f}(client, params, options),`),
  );
  return `${bannerLines('tools/codegen', set.manifests.join(', ')).join('\n')}

import type { CallOptions, OperationClient, PageOptions } from '${runtime}';
${imports.join('\n')}

/** Every action as a method of the client. */
export interface IotTaskActions {
${methods.join('\n')}
}

/** The parameters and success body of every action, by name. */
export interface ActionTypes {
${entries.map(({ doc }) => `  ${doc.action}: { params: ${doc.action}Params; result: ${doc.action}Result };`).join('\n')}
}

/** The methods of IotTaskActions, bound to \`client\`. */
export function bindActions(client: OperationClient): IotTaskActions {
  return {
${bound.join('\n')}
  };
}
`;
}
