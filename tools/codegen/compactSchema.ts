import type { OpenApiDocument } from './loadSpecSet.ts';

/** The JSON Schema keywords runtime code needs: structure and constraints, no prose. */
const KEPT_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'items',
  'oneOf',
  'anyOf',
  'allOf',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'default',
  'additionalProperties',
  'x-iot-task-decode',
  'x-acs-terminal-values',
]);

/**
 * Resolves every internal `$ref` of a schema and keeps only the keywords in KEPT_KEYWORDS
 * (plus `xml.name` as `xmlName`), so generated runtime tables stay small.
 * Throws on a reference cycle: the RPC responses of this API are trees.
 */
export function compactSchema(doc: OpenApiDocument, schema: unknown, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => compactSchema(doc, s, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (seen.includes(ref)) throw new Error(`schema reference cycle: ${[...seen, ref].join(' -> ')}`);
    return compactSchema(doc, resolvePointer(doc, ref), [...seen, ref]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEPT_KEYWORDS.has(key)) continue;
    if (key === 'properties') {
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, compactSchema(doc, s, seen)]),
      );
    } else {
      out[key] = compactSchema(doc, value, seen);
    }
  }
  const xml = node.xml as { name?: unknown } | undefined;
  if (typeof xml?.name === 'string') out.xmlName = xml.name;
  return out;
}

/** Resolves a local JSON pointer (`#/components/...`) in the document. */
export function resolvePointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are expected after bundling, got ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(key in node)) throw new Error(`unresolvable reference ${ref}`);
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows `$ref` chains of a non-schema object (parameter, response, example). */
export function deref<T>(doc: OpenApiDocument, node: T | { $ref: string }): T {
  let current: unknown = node;
  for (let hops = 0; hops < 16; hops++) {
    if (current && typeof current === 'object' && typeof (current as { $ref?: unknown }).$ref === 'string') {
      current = resolvePointer(doc, (current as { $ref: string }).$ref);
    } else {
      return current as T;
    }
  }
  throw new Error('reference chain too long');
}
