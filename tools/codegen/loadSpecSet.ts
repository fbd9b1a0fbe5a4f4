import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundle, createConfig } from '@redocly/openapi-core';
import { parse as parseYaml } from 'yaml';

/** A bundled (single-file, internal `$ref`s only) OpenAPI document of one RPC action. */
export interface ActionDocument {
  /** RPC action name, e.g. `QueryTask`; also the document's file name. */
  action: string;
  /** Path of the source document, relative to the repository root. */
  source: string;
  /** The bundled OpenAPI 3.1 document. */
  document: OpenApiDocument;
}

/** The action set of one API version, as listed by its `api.yaml`. */
export interface SpecSet {
  product: string;
  version: string;
  /** Path of `api.yaml`, relative to the repository root. */
  manifest: string;
  actions: ActionDocument[];
}

// Only the parts of OpenAPI the generators read; everything else passes through untouched.
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export class SpecSetError extends Error {
  override name = 'SpecSetError';
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;

/**
 * Reads an `api.yaml` manifest and bundles every action document it lists.
 * Fails with a `SpecSetError` naming the file and the broken rule when a document does not
 * describe exactly one RPC action on `/`.
 */
export async function loadSpecSet(repoRoot: string, manifestPath: string): Promise<SpecSet> {
  const manifestAbs = path.resolve(repoRoot, manifestPath);
  const manifest = parseYaml(await readFile(manifestAbs, 'utf8')) as {
    product?: unknown;
    version?: unknown;
    actions?: unknown;
  };
  if (typeof manifest.product !== 'string' || typeof manifest.version !== 'string') {
    throw new SpecSetError(`${manifestPath}: expected string fields "product" and "version"`);
  }
  if (!Array.isArray(manifest.actions) || manifest.actions.length === 0) {
    throw new SpecSetError(`${manifestPath}: expected a non-empty "actions" list of document paths`);
  }
  const config = await createConfig({});
  const actions: ActionDocument[] = [];
  for (const entry of manifest.actions) {
    if (typeof entry !== 'string') {
      throw new SpecSetError(`${manifestPath}: every "actions" entry must be a path, got ${JSON.stringify(entry)}`);
    }
    const abs = path.resolve(path.dirname(manifestAbs), entry);
    const source = path.relative(repoRoot, abs);
    const document = await bundleDocument(abs, source, config);
    const action = checkRpcDocument(source, document, manifest.version);
    if (actions.some((a) => a.action === action)) {
      throw new SpecSetError(`${manifestPath}: action ${action} is listed twice`);
    }
    actions.push({ action, source, document });
  }
  return {
    product: manifest.product,
    version: manifest.version,
    manifest: path.relative(repoRoot, manifestAbs),
    actions,
  };
}

/** Bundles one document (external `$ref`s inlined as components); throws on unresolvable references. */
export async function bundleDocument(
  absolutePath: string,
  shownAs: string = absolutePath,
  config?: Awaited<ReturnType<typeof createConfig>>,
): Promise<OpenApiDocument> {
  const result = await bundle({ ref: absolutePath, config: config ?? (await createConfig({})) });
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new SpecSetError(`${shownAs}: ${errors.map((p) => p.message).join('; ')}`);
  return result.bundle.parsed as OpenApiDocument;
}

/** Checks the RPC shape every generator relies on and returns the action name. */
function checkRpcDocument(source: string, doc: OpenApiDocument, version: string): string {
  if (!doc.openapi?.startsWith('3.1')) throw new SpecSetError(`${source}: expected OpenAPI 3.1, got ${doc.openapi}`);
  const pathKeys = Object.keys(doc.paths ?? {});
  if (pathKeys.length !== 1 || pathKeys[0] !== '/') {
    throw new SpecSetError(
      `${source}: an RPC action document has exactly one path, "/"; found ${JSON.stringify(pathKeys)}`,
    );
  }
  const item = doc.paths['/'] as Record<string, { 'x-acs-action'?: unknown; operationId?: unknown }>;
  const operations = HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => ({ method: m, op: item[m] }));
  if (operations.length === 0) throw new SpecSetError(`${source}: "/" has no operation`);
  const names = new Set(operations.map(({ op }) => op?.['x-acs-action']));
  const [action] = [...names];
  if (names.size !== 1 || typeof action !== 'string') {
    throw new SpecSetError(`${source}: every operation on "/" must carry the same string x-acs-action`);
  }
  if (path.basename(source, path.extname(source)) !== action) {
    throw new SpecSetError(`${source}: the file must be named after its action (${action}.yaml)`);
  }
  if (String(doc.info.version) !== version) {
    throw new SpecSetError(`${source}: info.version ${doc.info.version} differs from the set's version ${version}`);
  }
  return action;
}

export { HTTP_METHODS };
