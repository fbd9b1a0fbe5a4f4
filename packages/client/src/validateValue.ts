import type { CompactSchema } from '@iot-task/spec';
import type { DriftIssue } from './errors.ts';
import { compiledPattern, preview as show, typesOf } from './schemaTypes.ts';

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
  const issues: DriftIssue[] = [];
  check(schema, value, path, options, issues);
  return issues;
}

/** validateValue's walk: appends what it finds to `issues` (one array per call, not per node). */
function check(
  schema: CompactSchema,
  value: unknown,
  path: string,
  options: ValidateOptions,
  issues: DriftIssue[],
): void {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) {
    let best: DriftIssue[] | undefined;
    for (const branch of branches) {
      const found: DriftIssue[] = [];
      check(branch, value, path, options, found);
      if (found.length === 0) return;
      if (!best || found.length < best.length) best = found;
    }
    if (best) issues.push(...best);
    return;
  }
  const type = schema.type;
  if (
    type !== undefined &&
    !(typeof type === 'string' ? typeMatches(type, value) : type.some((t) => typeMatches(t, value)))
  ) {
    issues.push({ path: path || '(body)', expected: typesOf(schema).join(' or '), received: show(value) });
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    issues.push({ path: path || '(body)', expected: show(schema.const), received: show(value) });
    return;
  }
  if (schema.enum && !schema.enum.includes(value) && !(options.openEnums && typeof value === 'string')) {
    issues.push({ path: path || '(body)', expected: `one of ${schema.enum.join(', ')}`, received: show(value) });
    return;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) {
      issues.push({
        path: path || '(body)',
        expected: `at least ${schema.minLength} characters`,
        received: show(value),
      });
    }
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      issues.push({
        path: path || '(body)',
        expected: `at most ${schema.maxLength} characters`,
        received: show(value),
      });
    }
    if (schema.pattern !== undefined && !compiledPattern(schema.pattern).test(value)) {
      issues.push({ path: path || '(body)', expected: `a string matching ${schema.pattern}`, received: show(value) });
    }
    return;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      issues.push({ path: path || '(body)', expected: `>= ${schema.minimum}`, received: show(value) });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      issues.push({ path: path || '(body)', expected: `<= ${schema.maximum}`, received: show(value) });
    }
    return;
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      issues.push({
        path: path || '(body)',
        expected: `at most ${schema.maxItems} items`,
        received: `${value.length}`,
      });
    if (schema.minItems !== undefined && value.length < schema.minItems)
      issues.push({
        path: path || '(body)',
        expected: `at least ${schema.minItems} items`,
        received: `${value.length}`,
      });
    const items = schema.items;
    if (items) for (let i = 0; i < value.length; i++) check(items, value[i], `${path}[${i}]`, options, issues);
    return;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (schema.required) {
      for (const name of schema.required) {
        if (record[name] === undefined) {
          issues.push({ path: path ? `${path}.${name}` : name, expected: 'present (required)', received: 'nothing' });
        }
      }
    }
    const properties = schema.properties;
    if (properties) {
      for (const name in properties) {
        const property = record[name];
        if (property !== undefined) {
          check(properties[name] as CompactSchema, property, path ? `${path}.${name}` : name, options, issues);
        }
      }
    }
    if (schema.additionalProperties === false) {
      for (const name of Object.keys(record)) {
        if (!(properties && name in properties)) {
          issues.push({
            path: path ? `${path}.${name}` : name,
            expected: 'no such property',
            received: show(record[name]),
          });
        }
      }
    }
  }
}
