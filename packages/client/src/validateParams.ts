import { type ActionDescriptor, actions, type CompactSchema, type ParameterDescriptor } from '@iot-task/spec';
import { describeValue, readRecord } from './checkOptions.ts';
import { ValidationError } from './errors.ts';
import { hasControlCharacter } from './hasControlCharacter.ts';
import { compiledPattern } from './schemaTypes.ts';
import { validateValue } from './validateValue.ts';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const wellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
function isWellFormed(value: string): boolean {
  return wellFormed ? wellFormed.call(value) : !LONE_SURROGATE.test(value);
}

/**
 * The length in code points, as the spec's limits count it — exactly where a limit could be near
 * (UTF-16 length is between one and two times the code points, so far from the limits it is enough).
 */
function codePoints(value: string, schema: CompactSchema): number {
  const farBelowMax = schema.maxLength === undefined || value.length <= schema.maxLength;
  const farAboveMin = schema.minLength === undefined || value.length / 2 >= schema.minLength;
  return farBelowMax && farAboveMin ? value.length : [...value].length;
}

function checkString(field: string, value: unknown, schema: CompactSchema): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'a string', describeValue(value));
  if (value.trim() === '')
    throw new ValidationError(field, 'a non-empty string (not only whitespace)', describeValue(value));
  if (hasControlCharacter(value))
    throw new ValidationError(field, 'a string without control characters', describeValue(value));
  if (!isWellFormed(value))
    throw new ValidationError(field, 'well-formed Unicode (no lone surrogate)', 'a broken string');
  const length = codePoints(value, schema);
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    throw new ValidationError(field, `at most ${schema.maxLength} characters`, `${length}`);
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    throw new ValidationError(field, `at least ${schema.minLength} characters`, `${length}`);
  }
  if (schema.pattern !== undefined && !compiledPattern(schema.pattern).test(value)) {
    throw new ValidationError(field, `a string matching ${schema.pattern}`, describeValue(value));
  }
  if (schema.enum && !schema.enum.includes(value)) {
    throw new ValidationError(field, `one of ${schema.enum.join(', ')}`, describeValue(value));
  }
  return value;
}

function checkInteger(field: string, value: unknown, schema: CompactSchema): string {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new ValidationError(field, 'an integer', describeValue(value));
  if (schema.minimum !== undefined && value < schema.minimum)
    throw new ValidationError(field, `>= ${schema.minimum}`, `${value}`);
  if (schema.maximum !== undefined && value > schema.maximum)
    throw new ValidationError(field, `<= ${schema.maximum}`, `${value}`);
  return String(value);
}

function scalar(field: string, value: unknown, schema: CompactSchema): string {
  const type = schema.type;
  if (type === 'integer' || type === 'number') return checkInteger(field, value, schema);
  if (type === 'boolean') {
    if (typeof value !== 'boolean') throw new ValidationError(field, 'a boolean', describeValue(value));
    return String(value);
  }
  return checkString(field, value, schema);
}

/**
 * A list as the RPC style sends it (the official SDK's `OpenApiUtil.query`): `Name.1`…`Name.N`,
 * an object in it as `Name.1.Field`, a list in that as `Name.1.Field.1`. Every item is checked
 * against the item schema; a hole (undefined, null) is refused rather than skipped, so the
 * numbers sent are the positions the caller gave.
 */
function flattenList(field: string, value: unknown, schema: CompactSchema, query: Record<string, string>): void {
  if (!Array.isArray(value)) throw new ValidationError(field, 'a list (an array)', describeValue(value));
  if (schema.maxItems !== undefined && value.length > schema.maxItems)
    throw new ValidationError(field, `at most ${schema.maxItems} items`, `${value.length}`);
  if (schema.minItems !== undefined && value.length < schema.minItems)
    throw new ValidationError(field, `at least ${schema.minItems} items`, `${value.length}`);
  const items = schema.items ?? {};
  for (let i = 0; i < value.length; i++) flattenValue(`${field}.${i + 1}`, value[i], items, query);
}

function flattenValue(field: string, value: unknown, schema: CompactSchema, query: Record<string, string>): void {
  if (value === undefined || value === null) throw new ValidationError(field, 'a value', describeValue(value));
  if (schema.type === 'array') {
    flattenList(field, value, schema, query);
    return;
  }
  if (schema.type !== 'object') {
    query[field] = scalar(field, value, schema);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value))
    throw new ValidationError(field, 'an object', describeValue(value));
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const record = readRecord(field, value, names);
  for (const key of Object.keys(record)) {
    if (!Object.hasOwn(properties, key) && record[key] !== undefined)
      throw new ValidationError(`${field}.${key}`, `no such field; ${field} takes ${names.join(', ')}`);
  }
  for (const name of names) {
    const item = Object.hasOwn(record, name) ? record[name] : undefined;
    if (item === undefined) {
      if (schema.required?.includes(name))
        throw new ValidationError(`${field}.${name}`, 'a value (required)', 'nothing');
      continue;
    }
    flattenValue(`${field}.${name}`, item, properties[name] as CompactSchema, query);
  }
}

/**
 * An object that travels as JSON text (`content: application/json`): what is checked against the
 * schema is the JSON it becomes (read once, getters and all), and that text is what is sent.
 */
function jsonText(param: ParameterDescriptor, value: unknown): string {
  const wantsList = param.schema.type === 'array';
  if (value === null || typeof value !== 'object' || Array.isArray(value) !== wantsList)
    throw new ValidationError(param.name, wantsList ? 'a list (an array)' : 'an object', describeValue(value));
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    throw new ValidationError(param.name, 'a value JSON can represent (no cycle, no BigInt)', describeValue(value));
  }
  const [issue] = validateValue(param.schema, JSON.parse(text), param.name);
  if (issue) throw new ValidationError(issue.path, issue.expected, issue.received);
  return text;
}

function serialize(param: ParameterDescriptor, value: unknown, query: Record<string, string>): void {
  if (param.contentType !== undefined) query[param.name] = jsonText(param, value);
  else if (param.schema.type === 'array') {
    flattenList(param.name, value, param.schema, query);
    if (param.required && (value as unknown[]).length === 0)
      throw new ValidationError(param.name, 'at least 1 item (required)', '0');
  } else query[param.name] = scalar(param.name, value, param.schema);
}

const ownByAction = new WeakMap<ActionDescriptor, { own: ParameterDescriptor[]; known: Set<string> }>();

/** An action's own query parameters (not the common ones), worked out once per descriptor. */
function ownParameters(descriptor: ActionDescriptor): { own: ParameterDescriptor[]; known: Set<string> } {
  let entry = ownByAction.get(descriptor);
  if (!entry) {
    const own = descriptor.parameters.filter((p) => !p.common && p.in === 'query');
    entry = { own, known: new Set(own.map((p) => p.name)) };
    ownByAction.set(descriptor, entry);
  }
  return entry;
}

/**
 * Checks an action's own parameters against the spec before anything is sent, and serializes
 * them as query values. Throws a ValidationError naming the field and what it expects.
 *
 * @example validateParams(QueryTask, { TaskId: 'MSnT9***q010101' }) // { TaskId: 'MSnT9***q010101' }
 */
export function validateParams(descriptor: ActionDescriptor, params: unknown): Record<string, string> {
  const { own, known } = ownParameters(descriptor);
  if (params === null || typeof params !== 'object' || describeValue(params) !== 'an object') {
    throw new ValidationError('params', `an object with ${own.map((p) => p.name).join(', ')}`, describeValue(params));
  }
  // Read once: what the checks see is what is sent.
  const record = readRecord('params', params, [...known]);
  for (const key of Object.keys(record)) {
    if (!known.has(key) && record[key] !== undefined) {
      throw new ValidationError(key, `no such parameter; ${descriptor.action} takes ${[...known].join(', ')}`);
    }
  }
  const query: Record<string, string> = {};
  for (const param of own) {
    // The caller's own properties only: one inherited from a prototype (or a polluted
    // Object.prototype) was never a parameter the caller meant to send.
    const value = Object.hasOwn(record, param.name) ? record[param.name] : undefined;
    if (value === undefined) {
      if (param.required) throw new ValidationError(param.name, 'a value (required)', 'nothing');
      continue;
    }
    serialize(param, value, query);
  }
  return query;
}

/**
 * Checks an action's parameters against the spec, as every call does before it sends anything —
 * for a caller that wants the verdict earlier (a CLI, before it starts a server). Throws a
 * ValidationError naming the field and what it expects.
 *
 * @example validateActionParams('QueryTask', { TaskId: '' }) // throws "TaskId: expected a non-empty string …"
 */
export function validateActionParams(action: string, params: unknown): void {
  const descriptor = Object.hasOwn(actions, action)
    ? (actions as Readonly<Record<string, ActionDescriptor>>)[action]
    : undefined;
  if (!descriptor)
    throw new ValidationError('action', `one of ${Object.keys(actions).join(', ')}`, JSON.stringify(action));
  validateParams(descriptor, params);
}
