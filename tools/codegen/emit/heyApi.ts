import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createClient } from '@hey-api/openapi-ts';
import { bannerLines } from '../banner.ts';
import type { Layout } from '../layout.ts';
import type { ActionDocument, SpecSet } from '../loadSpecSet.ts';

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
  resolve: (specifier: string) => string | undefined,
): Promise<void> {
  await createClient({
    input: doc.document as never,
    output: {
      path: outDir,
      clean: true,
      entryFile: false,
      header: () => bannerLines(GENERATOR, doc.source),
      module: { extension: '.js', resolve: (specifier: string) => resolve(specifier) },
    },
    logs: { level: 'silent' },
    plugins,
  });
}

/**
 * `@iot-task/client`: the hey-api fetch client once (`client/`, `core/`), and per action
 * `actions/<Action>/` with its types, SDK functions, zod schemas and an entry module.
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
    const dir = path.join(clientRoot, 'actions', doc.action);
    await runHeyApi(
      doc,
      dir,
      [{ name: '@hey-api/client-fetch', bundle: false }, '@hey-api/typescript', '@hey-api/sdk', 'zod'],
      (specifier) => (specifier === CLIENT_PACKAGE ? '../../client/index.js' : undefined),
    );
    await writeFile(
      path.join(dir, 'index.ts'),
      `${bannerLines('tools/codegen', doc.source).join('\n')}

export { client } from './client.gen.js';
export * from './sdk.gen.js';
export type * from './types.gen.js';
`,
    );
  }
  await writeFile(path.join(clientRoot, 'actions.gen.ts'), emitActionRegistry(set));
}

function camel(operationId: string): string {
  return operationId.charAt(0).toLowerCase() + operationId.slice(1);
}

function pascal(operationId: string): string {
  return operationId.charAt(0).toUpperCase() + operationId.slice(1);
}

/**
 * The glue that lets the hand-written runtime serve any action: each action's generated SDK
 * function per HTTP method, and its wire types (query parameters, successful body).
 */
function emitActionRegistry(set: SpecSet): string {
  const entries = set.actions.map((doc) => {
    const item = doc.document.paths['/'] as Record<string, { operationId: string } | undefined>;
    const get = item.get?.operationId;
    const post = item.post?.operationId;
    const primary = get ?? post;
    if (!primary) throw new Error(`${doc.source}: no GET or POST operation`);
    return { action: doc.action, get, post, primary };
  });
  const common = new Set<string>();
  for (const doc of set.actions) {
    const item = doc.document.paths['/'] as { parameters?: { $ref?: string; name?: string; in?: string }[] };
    for (const p of item.parameters ?? []) {
      const param = p.$ref ? resolveLocal(doc.document, p.$ref) : p;
      if (param?.in === 'query' && (param as Record<string, unknown>)['x-acs-common-parameter'] === true) {
        common.add(param.name as string);
      }
    }
  }
  return `${bannerLines('tools/codegen', set.manifest).join('\n')}

${entries.map((e) => `import * as ${e.action}Sdk from './actions/${e.action}/sdk.gen.js';\nimport type * as ${e.action}Types from './actions/${e.action}/types.gen.js';`).join('\n')}

/** Generated SDK function of every action, by action name and HTTP method. */
export const sdkFunctions = {
${entries
  .map(
    (e) =>
      `  ${e.action}: {${e.get ? ` GET: ${e.action}Sdk.${camel(e.get)},` : ''}${e.post ? ` POST: ${e.action}Sdk.${camel(e.post)},` : ''} },`,
  )
  .join('\n')}
} as const;

/** Wire types of every action: its query parameters and its successful (\`Success: true\`) body. */
export interface ActionTypes {
${entries
  .map(
    (e) => `  ${e.action}: {
    query: ${e.action}Types.${pascal(e.primary)}Data['query'];
    success: Extract<${e.action}Types.${pascal(e.primary)}Responses[200], { Success: true }>;
  };`,
  )
  .join('\n')}
}

/** Query parameters the runtime sets itself (action, version, format, signature). */
export type CommonQueryParameter = ${[...common].map((n) => `'${n}'`).join(' | ')};
`;
}

function resolveLocal(doc: ActionDocument['document'], ref: string): { name?: string; in?: string } | undefined {
  let node: unknown = doc;
  for (const key of ref.replace(/^#\//, '').split('/')) node = (node as Record<string, unknown> | undefined)?.[key];
  return node as { name?: string; in?: string } | undefined;
}

/**
 * `@iot-task/react`: the hey-api TanStack Query helpers of every action, importing the SDK
 * through the client package's public entry for that action (never a relative path into it).
 */
export async function emitHeyApiReactQuery(set: SpecSet, outRoot: string, layout: Layout): Promise<void> {
  for (const doc of set.actions) {
    const reactDir = path.join(layout.react, doc.action);
    const finalDir = path.join(outRoot, reactDir);
    const clientModule = layout.clientActionModule(doc.action, reactDir);
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'iot-task-hey-api-'));
    try {
      await runHeyApi(
        doc,
        scratch,
        [
          { name: '@hey-api/client-fetch', bundle: false },
          '@hey-api/typescript',
          '@hey-api/sdk',
          '@tanstack/react-query',
        ],
        (specifier) =>
          ['../sdk.gen.js', '../types.gen.js', '../client.gen.js'].includes(specifier) ? clientModule : undefined,
      );
      await mkdir(finalDir, { recursive: true });
      const source = await readFile(path.join(scratch, '@tanstack', 'react-query.gen.ts'), 'utf8');
      await writeFile(path.join(finalDir, 'react-query.gen.ts'), mergeDuplicateImports(source, clientModule));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

/**
 * After mapping three relative modules onto one entry, hey-api's output has three import
 * declarations from the same specifier; TypeScript accepts that, but one reads better.
 */
function mergeDuplicateImports(source: string, specifier: string): string {
  const pattern = new RegExp(
    `^import (type )?\\{([^}]*)\\} from '${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}';\\n`,
    'gm',
  );
  const names: string[] = [];
  const stripped = source.replace(pattern, (_match, typeOnly: string | undefined, list: string) => {
    for (const raw of list.split(',')) {
      const name = raw.trim();
      if (name) names.push(typeOnly && !name.startsWith('type ') ? `type ${name}` : name);
    }
    return '\u0000';
  });
  if (names.length === 0) return source;
  const unique = [...new Set(names)].sort((a, b) => a.replace(/^type /, '').localeCompare(b.replace(/^type /, '')));
  return stripped.replace('\u0000', `import { ${unique.join(', ')} } from '${specifier}';\n`).replaceAll('\u0000', '');
}
