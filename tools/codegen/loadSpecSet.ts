import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundle, createConfig } from '@redocly/openapi-core';
import { parse as parseYaml } from 'yaml';
import { checkPaging, checkParameters } from './wireShapeRules.ts';

/**
 * One API family: a product's API version (`Iot` 2018-01-20), described by an `api.yaml` that
 * lists its action documents and says where its endpoints are and how requests are signed.
 */
export interface Family {
  /** Identifier in generated code: product and version, e.g. `Iot20180120`. */
  id: string;
  product: string;
  version: string;
  /** Path of `api.yaml`, relative to the repository root. */
  manifest: string;
  /** Where requests go, by region. */
  endpoints: {
    /** Host of a regional endpoint, with `{regionId}`. */
    regional: string;
    regionalRegions: string[];
    /** Host that some regions use instead (the official SDK's endpoint map), if any. */
    global?: string;
    globalRegions: string[];
  };
  /** Signature versions the family accepts, the default first. */
  signatureVersions: ('v3' | 'v1')[];
}

/** A bundled (single-file, internal `$ref`s only) OpenAPI document of one RPC action. */
export interface ActionDocument {
  /** RPC action name, e.g. `QueryTask`; also the document's file name. */
  action: string;
  /** Path of the source document, relative to the repository root. */
  source: string;
  /** The bundled OpenAPI 3.1 document. */
  document: OpenApiDocument;
  family: Family;
  /** `read` for an action that changes nothing (queries, lists), `write` otherwise (`x-acs-operation-type`). */
  operationType: 'read' | 'write';
  /** How a paged action hands out its next page (`x-iot-task-paging`), if it is paged. */
  paging?: Paging;
}

/** Paged by token: each answer's token field asks for the next page, absent on the last one. */
export interface TokenPaging {
  kind: 'token';
  /** The query parameter that asks for a page (`NextToken`). */
  tokenParameter: string;
  /** The field of the success body that holds the next page's token, absent on the last page. */
  tokenField: string;
  /** Dotted path of the page's items in the success body (`Data.data`). */
  items: string;
}

/** Paged by number: page 1, 2, … while page × size < total. */
export interface PageNumberPaging {
  kind: 'page-number';
  /** The integer query parameter that asks for a page by its number, from 1 (`CurrentPage`). */
  pageParameter: string;
  /** The integer query parameter that sets the page size (`PageSize`); required or with a default. */
  sizeParameter: string;
  /** The required integer field of the success body with the number of items of all pages (`Total`). */
  totalField: string;
  /** Dotted path of the page's items in the success body (`Data.DeviceInfo`). */
  items: string;
}

/** How a paged action hands out its pages (`x-iot-task-paging`; `kind` defaults to token). */
export type Paging = TokenPaging | PageNumberPaging;

/** The action sets of one or more API families, as their `api.yaml` manifests list them. */
export interface SpecSet {
  families: Family[];
  /** Every action of every family; action names are unique across families. */
  actions: ActionDocument[];
  /** Paths of the manifests, relative to the repository root. */
  manifests: string[];
}

// Only the parts of OpenAPI the generators read; everything else passes through untouched.
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** A spec that breaks a rule the generators rely on: one line naming the document, the rule and the fix. */
export class SpecSetError extends Error {
  override name = 'SpecSetError';
  constructor(where: string, rule: string, fix: string) {
    super(`${where}: ${rule}. Fix: ${fix}`);
  }
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
const SIGNATURE_VERSIONS = ['v3', 'v1'] as const;

/**
 * The product's families: every `specs/<family>/api.yaml` (fixtures excluded). A second API
 * family is a new folder with its own `api.yaml`.
 */
export async function productManifests(repoRoot: string): Promise<string[]> {
  const specs = path.join(repoRoot, 'specs');
  let entries: string[];
  try {
    entries = await readdir(specs);
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries.sort()) {
    if (['fixtures', 'generated', 'dist', 'node_modules'].includes(entry)) continue;
    const manifest = path.join(specs, entry, 'api.yaml');
    try {
      await readFile(manifest);
      found.push(path.relative(repoRoot, manifest));
    } catch {
      // not a family folder
    }
  }
  return found;
}

/**
 * Reads `api.yaml` manifests and bundles every action document they list. Fails with a
 * `SpecSetError` (document, rule, fix) when something breaks a rule the generators rely on.
 */
export async function loadSpecSet(repoRoot: string, manifestPaths: string | readonly string[]): Promise<SpecSet> {
  const manifests = typeof manifestPaths === 'string' ? [manifestPaths] : [...manifestPaths];
  if (manifests.length === 0) {
    throw new SpecSetError('specs/', 'no API family found', 'add specs/<family>/api.yaml listing its action documents');
  }
  const config = await createConfig({});
  const families: Family[] = [];
  const actions: ActionDocument[] = [];
  for (const manifestPath of manifests) {
    const manifestAbs = path.resolve(repoRoot, manifestPath);
    const shown = path.relative(repoRoot, manifestAbs);
    const { family, entries } = readManifest(shown, await readManifestChain(repoRoot, manifestAbs));
    if (families.some((f) => f.id === family.id)) {
      throw new SpecSetError(
        shown,
        `the family ${family.product} ${family.version} is described twice`,
        'keep one api.yaml per product version',
      );
    }
    families.push(family);
    for (const abs of entries) {
      const source = path.relative(repoRoot, abs);
      const document = await bundleDocument(abs, source, config);
      const described = checkRpcDocument(source, document, family);
      const twin = actions.find((a) => a.action === described.action);
      if (twin) {
        throw new SpecSetError(
          source,
          `two actions are named ${described.action} (the other is ${twin.source})`,
          'give every action one document, listed once across all api.yaml files',
        );
      }
      actions.push({ ...described, source, document, family });
    }
  }
  return { families, actions, manifests: manifests.map((m) => path.relative(repoRoot, path.resolve(repoRoot, m))) };
}

/**
 * A manifest as data, with `extends` applied: a manifest may extend another of the same family
 * (a fixture adding actions to the product's set, say); it takes the family's fields from it and
 * its actions come after the base's. Action paths come back absolute.
 */
async function readManifestChain(
  repoRoot: string,
  manifestAbs: string,
  seen: string[] = [],
): Promise<Record<string, unknown>> {
  const shown = path.relative(repoRoot, manifestAbs);
  if (seen.includes(manifestAbs)) {
    throw new SpecSetError(shown, 'extends itself (through "extends")', 'remove the cycle of extends');
  }
  let text: string;
  try {
    text = await readFile(manifestAbs, 'utf8');
  } catch {
    throw new SpecSetError(shown, 'the manifest does not exist', 'fix the path');
  }
  let raw: Record<string, unknown>;
  try {
    raw = (parseYaml(text) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new SpecSetError(shown, `is not YAML (${(error as Error).message.split('\n')[0]})`, 'fix the YAML syntax');
  }
  const own = Array.isArray(raw.actions)
    ? raw.actions.map((a) => (typeof a === 'string' ? path.resolve(path.dirname(manifestAbs), a) : a))
    : raw.actions;
  if (raw.extends === undefined) return { ...raw, actions: own };
  if (typeof raw.extends !== 'string') {
    throw new SpecSetError(
      shown,
      '"extends" must be the path of another api.yaml',
      'e.g. extends: ../../iot-2018-01-20/api.yaml',
    );
  }
  const base = await readManifestChain(repoRoot, path.resolve(path.dirname(manifestAbs), raw.extends), [
    ...seen,
    manifestAbs,
  ]);
  const { extends: _, ...rest } = raw;
  return { ...base, ...rest, actions: [...(base.actions as unknown[]), ...((own as unknown[] | undefined) ?? [])] };
}

/**
 * The documents the manifests list, bundled, with none of the rules applied: for comparing the
 * spec with an older one (spec-diff), which may predate rules added since.
 */
export async function listedDocuments(
  repoRoot: string,
  manifests: readonly string[],
): Promise<Pick<ActionDocument, 'action' | 'source' | 'document'>[]> {
  const config = await createConfig({});
  const listed: Pick<ActionDocument, 'action' | 'source' | 'document'>[] = [];
  for (const manifest of manifests) {
    const raw = await readManifestChain(repoRoot, path.resolve(repoRoot, manifest));
    for (const abs of (Array.isArray(raw.actions) ? raw.actions : []).filter(
      (a): a is string => typeof a === 'string',
    )) {
      const source = path.relative(repoRoot, abs);
      listed.push({
        action: path.basename(abs, path.extname(abs)),
        source,
        document: await bundleDocument(abs, source, config),
      });
    }
  }
  return listed;
}

function readManifest(shown: string, raw: unknown): { family: Family; entries: string[] } {
  const manifest = (raw ?? {}) as Record<string, unknown>;
  const fail = (rule: string, fix: string): never => {
    throw new SpecSetError(shown, rule, fix);
  };
  const { product, version, actions } = manifest;
  if (typeof product !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(product)) {
    fail('"product" must be the product code (letters and digits)', 'e.g. product: Iot');
  }
  if (typeof version !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(version)) {
    fail('"version" must be the API version, YYYY-MM-DD (quoted)', `e.g. version: "2018-01-20"`);
  }
  if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => typeof a !== 'string')) {
    fail('"actions" must be a non-empty list of document paths', 'e.g. actions: [QueryTask.yaml]');
  }
  const endpoints = (manifest.endpoints ?? {}) as Record<string, unknown>;
  const regions = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((r) => typeof r !== 'string' || !/^[a-z]{2}(-[a-z0-9]+)+$/.test(r))) {
      return fail(`"endpoints.${field}" must be a list of region IDs`, 'e.g. [cn-shanghai, ap-southeast-1]');
    }
    return value as string[];
  };
  if (typeof endpoints.regional !== 'string' || !endpoints.regional.includes('{regionId}')) {
    fail(
      '"endpoints.regional" must be the regional host with {regionId}',
      'e.g. regional: iot.{regionId}.aliyuncs.com',
    );
  }
  if (endpoints.global !== undefined && typeof endpoints.global !== 'string') {
    fail('"endpoints.global" must be a host', 'e.g. global: iot.aliyuncs.com');
  }
  const regionalRegions = regions(endpoints.regionalRegions, 'regionalRegions');
  const globalRegions = regions(endpoints.globalRegions, 'globalRegions');
  if (globalRegions.length > 0 && endpoints.global === undefined) {
    fail('"endpoints.globalRegions" needs "endpoints.global"', 'name the global host, or drop globalRegions');
  }
  const signatures = manifest.signatureVersions ?? ['v3', 'v1'];
  if (
    !Array.isArray(signatures) ||
    signatures.length === 0 ||
    signatures.some((s) => !(SIGNATURE_VERSIONS as readonly unknown[]).includes(s))
  ) {
    fail('"signatureVersions" must list v3 and/or v1, the default first', 'e.g. signatureVersions: [v3, v1]');
  }
  const p = product as string;
  const v = version as string;
  return {
    family: {
      id: `${p}${v.replaceAll('-', '')}`,
      product: p,
      version: v,
      manifest: shown,
      endpoints: {
        regional: endpoints.regional as string,
        regionalRegions,
        ...(typeof endpoints.global === 'string' ? { global: endpoints.global } : {}),
        globalRegions,
      },
      signatureVersions: signatures as Family['signatureVersions'],
    },
    entries: actions as string[],
  };
}

/** Bundles one document (external `$ref`s inlined as components); throws on unresolvable references. */
export async function bundleDocument(
  absolutePath: string,
  shownAs: string = absolutePath,
  config?: Awaited<ReturnType<typeof createConfig>>,
): Promise<OpenApiDocument> {
  let result: Awaited<ReturnType<typeof bundle>>;
  try {
    result = await bundle({ ref: absolutePath, config: config ?? (await createConfig({})) });
  } catch (error) {
    const reason = /ENOENT/.test(String(error)) ? 'the document does not exist' : String(error).split('\n')[0];
    throw new SpecSetError(shownAs, `cannot be read (${reason})`, 'fix the path in api.yaml or the document');
  }
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new SpecSetError(
      shownAs,
      `does not bundle: ${errors.map((p) => p.message).join('; ')}`,
      'fix the $ref (paths are relative to the document)',
    );
  }
  return result.bundle.parsed as OpenApiDocument;
}

/** Checks the RPC shape every generator relies on and returns what the document says of its action. */
function checkRpcDocument(
  source: string,
  doc: OpenApiDocument,
  family: Family,
): Pick<ActionDocument, 'action' | 'operationType' | 'paging'> {
  const fail = (rule: string, fix: string): never => {
    throw new SpecSetError(source, rule, fix);
  };
  if (!doc.openapi?.startsWith('3.1'))
    fail(`expected OpenAPI 3.1, got ${doc.openapi}`, 'start the document with openapi: 3.1.0');
  const pathKeys = Object.keys(doc.paths ?? {});
  if (pathKeys.length !== 1 || pathKeys[0] !== '/') {
    fail(
      `an RPC action document has exactly one path, "/"; found ${JSON.stringify(pathKeys)}`,
      'describe the action on "/" and name it with x-acs-action',
    );
  }
  const item = doc.paths['/'] as Record<string, Record<string, unknown> | undefined>;
  const operations = HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => ({ method: m, op: item[m] ?? {} }));
  if (operations.length === 0) fail('"/" has no operation', 'add get and/or post');
  const agreed = (key: string): unknown => {
    const values = new Set(operations.map(({ op }) => JSON.stringify(op[key])));
    if (values.size !== 1) fail(`every operation on "/" must carry the same ${key}`, `copy ${key} to every operation`);
    return operations[0]?.op[key];
  };
  const action = agreed('x-acs-action');
  if (typeof action !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(action)) {
    fail(
      'every operation on "/" must name its RPC action in x-acs-action (PascalCase)',
      'add x-acs-action: <Action> to every operation',
    );
  }
  if (path.basename(source, path.extname(source)) !== action) {
    fail(`the file must be named after its action (${action}.yaml)`, `rename the file to ${action}.yaml`);
  }
  if (String(doc.info.version) !== family.version) {
    fail(
      `info.version ${doc.info.version} differs from its family's version ${family.version} (${family.manifest})`,
      'list the document in the api.yaml of its version',
    );
  }
  const operationType = agreed('x-acs-operation-type');
  if (operationType !== 'read' && operationType !== 'write') {
    fail(
      'every operation must say whether it changes anything: x-acs-operation-type read or write',
      'add x-acs-operation-type: read (a query or a list) or write',
    );
  }
  checkParameters(doc, fail);
  const paging = agreed('x-iot-task-paging');
  if (paging === undefined) return { action: action as string, operationType: operationType as 'read' | 'write' };
  return {
    action: action as string,
    operationType: operationType as 'read' | 'write',
    paging: checkPaging(doc, paging, fail),
  };
}

export { HTTP_METHODS };
