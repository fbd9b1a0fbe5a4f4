import type { CompactSchema } from '@iot-task/spec';
import type { DriftIssue } from './errors.ts';
import { preview as show, typesOf } from './schemaTypes.ts';

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

export interface ValidateOptions {
  /**
   * Let a string outside an `enum` pass: responses type enums as open unions (the known values
   * or any other string), so a value the spec does not list yet is not a lie (decisions/unknown-enum-values.md).
   */
  openEnums?: boolean;
}

/**
 * Every way `value` differs from `schema`, with the path and what was expected. It walks the
 * schema, not the value, so a value nested deeper than the schema costs nothing more.
 */
export function validateValue(
  schema: CompactSchema,
  value: unknown,
  path = '',
  options: ValidateOptions = {},
): DriftIssue[] {
  const here = path || '(body)';
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    let best: DriftIssue[] | undefined;
    for (const branch of branches) {
      const issues = validateValue(branch, value, path, options);
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
  if (schema.enum && !schema.enum.includes(value) && !(options.openEnums && typeof value === 'string')) {
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
      issues.push(...validateValue(schema.items as CompactSchema, item, `${path}[${i}]`, options));
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
        issues.push(...validateValue(propertySchema, record[name], path ? `${path}.${name}` : name, options));
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
