import type { CompactSchema } from '@iot-task/spec';
import type { DriftIssue } from './errors.ts';
import type { XmlElement } from './parseXml.ts';

/**
 * Schema-driven reading of response bodies, over the compact schemas of the generated
 * manifest (`@iot-task/spec`): XML text becomes the same typed value JSON would give, values
 * marked `x-iot-task-decode: number` become numbers, and `validateValue` lists drift.
 */

function typesOf(schema: CompactSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

function isObjectSchema(schema: CompactSchema): boolean {
  return typesOf(schema).includes('object') || schema.properties !== undefined;
}

/** The oneOf/anyOf branch a value belongs to: the first one it validates against, else the closest. */
function pickBranch(branches: readonly CompactSchema[], value: unknown): CompactSchema | undefined {
  let best: { schema: CompactSchema; issues: number } | undefined;
  for (const schema of branches) {
    const issues = validateValue(schema, value).length;
    if (issues === 0) return schema;
    if (!best || issues < best.issues) best = { schema, issues };
  }
  return best?.schema;
}

function decodeScalar(schema: CompactSchema, text: string): unknown {
  if (schema['x-iot-task-decode'] === 'number') return toNumber(text);
  const types = typesOf(schema);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if ((types.includes('integer') || types.includes('number')) && text.trim() !== '' && Number.isFinite(Number(text))) {
    return Number(text);
  }
  if (schema.const !== undefined && typeof schema.const !== 'string') {
    return String(schema.const) === text ? schema.const : text;
  }
  return text;
}

function toNumber(value: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}

/** An element without a schema: text if it has no children, else an object of its children. */
function looseXml(element: XmlElement): unknown {
  if (element.children.length === 0) return element.text;
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const value = looseXml(child);
    const existing = out[child.name];
    out[child.name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** Reads an XML element as the JSON value the schema describes. */
export function decodeXml(schema: CompactSchema | undefined, element: XmlElement): unknown {
  if (!schema) return looseXml(element);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches && schema['x-iot-task-decode'] === undefined) {
    // Decode against each branch; keep the first that validates, else the closest.
    let best: { value: unknown; issues: number } | undefined;
    for (const branch of branches) {
      const value = decodeXml(branch, element);
      const issues = validateValue(branch, value).length;
      if (issues === 0) return value;
      if (!best || issues < best.issues) best = { value, issues };
    }
    return best?.value;
  }
  if (isObjectSchema(schema) && (element.children.length > 0 || schema.properties)) {
    const out: Record<string, unknown> = {};
    const properties = schema.properties ?? {};
    for (const child of element.children) {
      const propertySchema = properties[child.name];
      if (propertySchema && typesOf(propertySchema).includes('array')) {
        const items = propertySchema.items;
        const list = (out[child.name] as unknown[] | undefined) ?? [];
        // `<data><TaskId>…</TaskId></data><data>…</data>`: each repetition is one item.
        list.push(decodeXml(items, child));
        out[child.name] = list;
      } else {
        out[child.name] = decodeXml(propertySchema, child);
      }
    }
    return out;
  }
  if (typesOf(schema).includes('array')) return [decodeXml(schema.items, element)];
  return decodeScalar(schema, element.text);
}

/** Applies `x-iot-task-decode` to a JSON value; everything else is returned as it came. */
export function normalizeJson(schema: CompactSchema | undefined, value: unknown): unknown {
  if (!schema || value === null || value === undefined) return value;
  if (schema['x-iot-task-decode'] === 'number') return toNumber(value);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) return normalizeJson(pickBranch(branches, value), value);
  if (Array.isArray(value)) return schema.items ? value.map((item) => normalizeJson(schema.items, item)) : value;
  if (typeof value === 'object' && schema.properties) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [name, propertySchema] of Object.entries(schema.properties)) {
      if (name in out) out[name] = normalizeJson(propertySchema, out[name]);
    }
    return out;
  }
  return value;
}

function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function typeMatches(type: string, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return true;
  }
}

/** Every way `value` differs from `schema`, with the path and what was expected. */
export function validateValue(schema: CompactSchema, value: unknown, path = ''): DriftIssue[] {
  const here = path || '(body)';
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    let best: DriftIssue[] | undefined;
    for (const branch of branches) {
      const issues = validateValue(branch, value, path);
      if (issues.length === 0) return [];
      if (!best || issues.length < best.length) best = issues;
    }
    return best ?? [];
  }
  const types = typesOf(schema);
  if (types.length > 0 && !types.some((t) => typeMatches(t, value))) {
    return [{ path: here, expected: types.join(' or '), received: show(value) }];
  }
  if (schema.const !== undefined && value !== schema.const) {
    return [{ path: here, expected: show(schema.const), received: show(value) }];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [{ path: here, expected: `one of ${schema.enum.join(', ')}`, received: show(value) }];
  }
  const issues: DriftIssue[] = [];
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      issues.push({ path: here, expected: `at least ${schema.minLength} characters`, received: show(value) });
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      issues.push({ path: here, expected: `at most ${schema.maxLength} characters`, received: show(value) });
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      issues.push({ path: here, expected: `a string matching ${schema.pattern}`, received: show(value) });
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      issues.push({ path: here, expected: `>= ${schema.minimum}`, received: show(value) });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      issues.push({ path: here, expected: `<= ${schema.maximum}`, received: show(value) });
    }
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      issues.push(...validateValue(schema.items as CompactSchema, item, `${path}[${i}]`));
    });
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (record[name] === undefined) {
        issues.push({ path: path ? `${path}.${name}` : name, expected: 'present (required)', received: 'nothing' });
      }
    }
    for (const [name, propertySchema] of Object.entries(schema.properties ?? {})) {
      if (record[name] !== undefined)
        issues.push(...validateValue(propertySchema, record[name], path ? `${path}.${name}` : name));
    }
    if (schema.additionalProperties === false) {
      for (const name of Object.keys(record)) {
        if (!(name in (schema.properties ?? {}))) {
          issues.push({
            path: path ? `${path}.${name}` : name,
            expected: 'no such property',
            received: show(record[name]),
          });
        }
      }
    }
  }
  return issues;
}
