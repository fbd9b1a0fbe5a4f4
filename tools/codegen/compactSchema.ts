import type { OpenApiDocument } from './loadSpecSet.ts';
import { resolve, resolvePointer } from './resolveRef.ts';

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
  'contentMediaType',
  'additionalProperties',
  'x-iot-task-decode',
  'x-acs-terminal-values',
  'x-iot-task-lifecycle',
]);

/** Kept keywords whose value is data, not a schema: copied as they are. */
const DATA_KEYWORDS = new Set([
  'contentMediaType',
  'enum',
  'const',
  'default',
  'required',
  'x-acs-terminal-values',
  'x-iot-task-lifecycle',
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
    if (DATA_KEYWORDS.has(key)) {
      out[key] = value;
    } else if (key === 'properties') {
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

/** Follows `$ref` chains of a non-schema object (parameter, response, example). */
export function deref<T>(doc: OpenApiDocument, node: T | { $ref: string }): T {
  return resolve(doc, node) as T;
}
