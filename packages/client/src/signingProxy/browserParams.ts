import { readRpcList } from '@iot-task/signing/encoding';
import type { ActionDescriptor, CompactSchema } from '@iot-task/spec';

export type BrowserParams =
  | { params: Record<string, unknown> }
  | { repeated: { name: string; times: number } }
  | { invalid: { name: string; reason: string } };

/** A wire string as the value the client's checks expect: numbers and booleans by the schema, the rest as is. */
function typed(schema: CompactSchema, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => typed(schema.items ?? {}, item));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) out[name] = typed(schema.properties?.[name] ?? {}, item);
    return out;
  }
  if (typeof value !== 'string') return value;
  if ((schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (schema.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * An action's own parameters from what a browser sent (every value of every name, query and form
 * together), as the client takes them: a list from `Name.1`…`Name.N`, JSON text parsed, numbers
 * and booleans typed. A name given twice is refused, never one of its values picked — what the
 * proxy checks must be what it sends; whatever else the browser sent is dropped.
 */
export function browserParams(
  descriptor: ActionDescriptor,
  given: ReadonlyMap<string, readonly string[]>,
): BrowserParams {
  const flat: Record<string, string> = {};
  for (const param of descriptor.parameters) {
    if (param.common) continue;
    for (const [name, values] of given) {
      const belongs = name === param.name || (param.schema.type === 'array' && name.startsWith(`${param.name}.`));
      if (!belongs) continue;
      if (values.length > 1) return { repeated: { name, times: values.length } };
      flat[name] = values[0] as string;
    }
  }
  const params: Record<string, unknown> = {};
  for (const param of descriptor.parameters) {
    if (param.common) continue;
    if (param.schema.type === 'array' && param.contentType === undefined) {
      const list = readRpcList(param.name, param.schema, flat);
      if (list === undefined) continue;
      if ('refused' in list) return { invalid: { name: param.name, reason: list.refused } };
      params[param.name] = typed(param.schema, list.value);
      continue;
    }
    if (!Object.hasOwn(flat, param.name)) continue;
    const value = flat[param.name] as string;
    if (param.contentType === undefined) {
      params[param.name] = typed(param.schema, value);
      continue;
    }
    try {
      params[param.name] = JSON.parse(value);
    } catch {
      return {
        invalid: { name: param.name, reason: `${param.name}: expected JSON text, received text that is not JSON` },
      };
    }
  }
  return { params };
}
