import { readRpcList } from '@iot-task/signing/encoding';
import { type ActionDescriptor, type CompactSchema, commonParameters, type ParameterDescriptor } from '@iot-task/spec';

function valid(schema: CompactSchema, value: string): boolean {
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(value)) return false;
    const n = Number(value);
    return (
      !(schema.minimum !== undefined && n < schema.minimum) && !(schema.maximum !== undefined && n > schema.maximum)
    );
  }
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.const !== undefined && schema.const !== value) return false;
  return true;
}

/** A list read back from its wire form (readRpcList): its length and every item by the item schema. */
function validList(schema: CompactSchema, value: unknown): boolean {
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    return value.every((item) => validList(schema.items ?? {}, item));
  }
  if (schema.type === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    if (schema.required?.some((name) => record[name] === undefined)) return false;
    return Object.entries(record).every(([name, item]) => {
      const property = schema.properties?.[name];
      return property !== undefined && validList(property, item);
    });
  }
  return typeof value === 'string' && valid(schema, value);
}

const JSON_TYPES: Readonly<Record<string, (value: unknown) => boolean>> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  object: (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
  array: Array.isArray,
  null: (v) => v === null,
};

/** A value parsed from JSON text against the schema its parameter's `content` gives. */
function validJson(schema: CompactSchema, value: unknown): boolean {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) return branches.some((branch) => validJson(branch, value));
  if (schema.allOf && !schema.allOf.every((part) => validJson(part, value))) return false;
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.length > 0 && !types.some((type) => JSON_TYPES[type]?.(value))) return false;
  if (schema.const !== undefined && value !== schema.const) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (typeof value === 'string') return valid({ ...schema, type: 'string', enum: undefined, const: undefined }, value);
  if (typeof value === 'number')
    return (
      !(schema.minimum !== undefined && value < schema.minimum) &&
      !(schema.maximum !== undefined && value > schema.maximum)
    );
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    return value.every((item) => validJson(schema.items ?? {}, item));
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (schema.required?.some((name) => record[name] === undefined)) return false;
    for (const [name, item] of Object.entries(record)) {
      const property = Object.hasOwn(schema.properties ?? {}, name) ? schema.properties?.[name] : undefined;
      if (property ? !validJson(property, item) : schema.additionalProperties === false) return false;
    }
  }
  return true;
}

function validJsonText(schema: CompactSchema, text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  return validJson(schema, parsed);
}

/** One of an action's own parameters on its wire form: absent (undefined), valid (true) or not. */
function wireValue(param: ParameterDescriptor, params: Readonly<Record<string, string>>): boolean | undefined {
  if (param.schema.type === 'array' && param.contentType === undefined) {
    const list = readRpcList(param.name, param.schema, params);
    if (list === undefined) return undefined;
    if ('refused' in list) return false;
    return validList(param.schema, list.value);
  }
  const value = Object.hasOwn(params, param.name) ? params[param.name] : undefined;
  if (value === undefined || (value === '' && param.required)) return undefined;
  return param.contentType === undefined ? valid(param.schema, value) : validJsonText(param.schema, value);
}

export interface ParamFailure {
  code: string;
  message: string;
}

const invalid = (name: string): ParamFailure => ({
  code: `Invalid${name}`,
  message: `Specified parameter ${name} is not valid.`,
});

/**
 * Checks an action's own parameters as the gateway does, on their wire (string) form: a missing
 * required one → `Missing<Name>` ("<Name> is mandatory for this action."), one the spec's
 * schema rejects → `Invalid<Name>` ("Specified parameter <Name> is not valid."). A list is read
 * from `Name.1`…`Name.N` (a bare `Name` is not the list: a required list is then missing); JSON
 * text must parse and match its schema.
 */
export function checkWireParams(
  descriptor: ActionDescriptor,
  params: Readonly<Record<string, string>>,
): ParamFailure | undefined {
  for (const param of descriptor.parameters) {
    if (param.in !== 'query') continue;
    const verdict = wireValue(param, params);
    if (verdict === undefined) {
      if (param.required)
        return { code: `Missing${param.name}`, message: `${param.name} is mandatory for this action.` };
      continue;
    }
    if (!verdict) return invalid(param.name);
  }
  return undefined;
}

/** Headers of the V3 signature that carry a common parameter, by the name the gateway's codes use. */
const HEADER_NAMES: Readonly<Record<string, string>> = {
  'x-acs-signature-nonce': 'SignatureNonce',
  'x-acs-security-token': 'SecurityToken',
};

/**
 * Common parameters the signature checks do not judge themselves, on their wire form against the
 * spec's schemas: `Format` outside its enum, a `SignatureVersion` other than 1.0, a `RegionId`
 * that is no region, an over-long nonce (query or header), an empty `SecurityToken` →
 * `Invalid<Name>`. (Timestamp, SignatureMethod and AccessKeyId are the signature checks' to
 * judge, with their own codes; Version is the API check's.)
 */
export function checkCommonParams(
  params: Readonly<Record<string, string>>,
  headers: Headers = new Headers(),
): ParamFailure | undefined {
  for (const param of commonParameters) {
    if (param.in === 'query') {
      if (['Timestamp', 'SignatureMethod', 'AccessKeyId', 'Version'].includes(param.name)) continue;
      if (!Object.hasOwn(params, param.name)) continue;
      if (!valid(param.schema, params[param.name] as string)) return invalid(param.name);
    } else {
      const name = HEADER_NAMES[param.name];
      const value = headers.get(param.name);
      if (name === undefined || value === null) continue;
      if (!valid(param.schema, value)) return invalid(name);
    }
  }
  return undefined;
}
