import type { CompactSchema } from '@iot-task/spec';
import { branchByDiscriminator, toNumber, typesOf } from './schemaTypes.ts';

function typeMatches(schema: CompactSchema, value: unknown): boolean {
  const types = typesOf(schema);
  if (types.length === 0) return true;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  return types.some((t) => t === actual || ((t === 'integer' || t === 'number') && actual === 'number'));
}

/**
 * Applies `x-iot-task-decode` to a JSON value; everything else is returned as it came.
 * Copy-on-write: when nothing needs decoding, the very same value is returned.
 */
export function normalizeJson(schema: CompactSchema | undefined, value: unknown): unknown {
  if (!schema || value === null || value === undefined) return value;
  if (schema['x-iot-task-decode'] === 'number') return toNumber(value, schema);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    const branch = branchByDiscriminator(branches, value) ?? branches.find((b) => typeMatches(b, value));
    return normalizeJson(branch, value);
  }
  if (Array.isArray(value)) {
    if (!schema.items) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const decoded = normalizeJson(schema.items, item);
      if (decoded !== item) {
        out ??= [...value];
        out[i] = decoded;
      }
    });
    return out ?? value;
  }
  if (typeof value === 'object' && schema.properties) {
    const record = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const name in schema.properties) {
      if (!(name in record)) continue;
      const decoded = normalizeJson(schema.properties[name], record[name]);
      if (decoded !== record[name]) {
        out ??= { ...record };
        out[name] = decoded;
      }
    }
    return out ?? value;
  }
  return value;
}
