import { bannerLines } from '../banner.ts';
import { compactSchema, deref } from '../compactSchema.ts';
import { HTTP_METHODS, type SpecSet } from '../loadSpecSet.ts';

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: {
    type?: string;
    maxLength?: number;
    minLength?: number;
    pattern?: string;
    minimum?: number;
    maximum?: number;
    enum?: unknown[];
  };
  content?: Record<string, { schema?: unknown }>;
  example?: unknown;
  'x-acs-common-parameter'?: boolean;
  'x-acs-unknown-value-error'?: string[];
}

/**
 * Common parameters that the signature and API checks judge with codes of their own (they have
 * gateway cases in the kit), or that carry the signature itself.
 */
const SIGNATURE_PARAMETERS = new Set(['Action', 'Version', 'AccessKeyId', 'Timestamp', 'SecurityToken', 'Signature']);

/** A value that breaks `pattern` but is otherwise an ordinary short string. */
function patternBreaker(pattern: string): string | undefined {
  const regex = new RegExp(pattern, 'u');
  return ['a b', 'a/b', 'a#b', 'a?b', '作业', '~'].find((candidate) => !regex.test(candidate));
}

interface ListSchema {
  type: 'array';
  maxItems?: number;
  minItems?: number;
  items?: {
    type?: string;
    maxLength?: number;
    minLength?: number;
    minimum?: number;
    maximum?: number;
    enum?: unknown[];
  };
  examples?: unknown[];
}

const missingCase = (action: string, name: string) => ({
  id: `${action}/missing/${name}`,
  action,
  kind: 'missing-parameter',
  title: `without the required ${name}: gateway error Missing${name}, HTTP 400`,
  parameter: name,
});

const invalidCase = (
  action: string,
  name: string,
  constraint: string,
  value: string,
  wire?: Record<string, string>,
) => ({
  id: `${action}/invalid/${name}/${constraint.split(' ')[0]}`,
  action,
  kind: 'invalid-parameter',
  title: `${name} breaking ${constraint}: gateway error Invalid${name}, HTTP 400`,
  parameter: name,
  value,
  constraint,
  common: false,
  ...(wire ? { wire } : {}),
});

/**
 * A list's items as the RPC style sends them: `Name.1`…, an object in it as `Name.1.Field` —
 * `writeRpcList` of @iot-task/signing/encoding, which generate cannot import: it runs before any
 * package is built (generate:check is CI's first step).
 */
function flatten(out: Record<string, string>, key: string, value: unknown): Record<string, string> {
  if (Array.isArray(value))
    value.forEach((item, i) => {
      flatten(out, `${key}.${i + 1}`, item);
    });
  else if (value !== null && typeof value === 'object')
    for (const [field, item] of Object.entries(value)) flatten(out, `${key}.${field}`, item);
  else if (value !== undefined) out[key] = String(value);
  return out;
}

/**
 * A list parameter's cases, on its wire form (`Name.1`…): without it (when required); with one
 * item more than maxItems; given bare as `Name=a,b` (no list at all: missing, when required);
 * with a hole (`Name.2` without `Name.1`); and with an item that breaks the item schema.
 */
function listCases(action: string, param: ParameterObject, schema: ListSchema): unknown[] {
  const name = param.name;
  const example = (Array.isArray(param.example) ? param.example : schema.examples?.[0]) as unknown[] | undefined;
  const sample = example?.[0];
  const cases: unknown[] = [];
  if (param.required) cases.push(missingCase(action, name));
  if (sample === undefined) return cases;
  if (schema.maxItems !== undefined && schema.maxItems <= 1000) {
    const over = Array.from({ length: schema.maxItems + 1 }, () => sample);
    cases.push(
      invalidCase(action, name, `maxItems ${schema.maxItems}`, `${schema.maxItems + 1} items`, flatten({}, name, over)),
    );
  }
  cases.push(
    invalidCase(action, name, 'positions 1…N', `${name}.2 without ${name}.1`, flatten({}, `${name}.2`, sample)),
  );
  const item = schema.items ?? {};
  if (item.type !== 'object') {
    if (item.maxLength !== undefined)
      cases.push(
        invalidCase(action, name, `items.maxLength ${item.maxLength}`, `an item of ${item.maxLength + 1} characters`, {
          [`${name}.1`]: 'x'.repeat(item.maxLength + 1),
        }),
      );
    if (item.maximum !== undefined)
      cases.push(
        invalidCase(action, name, `items.maximum ${item.maximum}`, String(item.maximum + 1), {
          [`${name}.1`]: String(item.maximum + 1),
        }),
      );
    if (item.enum) cases.push(invalidCase(action, name, 'items.enum', 'NOT_A_VALUE', { [`${name}.1`]: 'NOT_A_VALUE' }));
  } else {
    cases.push(
      invalidCase(
        action,
        name,
        'items.properties',
        'an item with a field it has not',
        flatten({}, `${name}.1`, { ...(sample as object), NoSuchField: 'x' }),
      ),
    );
  }
  if (param.required && item.type !== 'object') {
    cases.push({
      ...missingCase(action, name),
      id: `${action}/missing/${name}/bare`,
      title: `${name} given bare (${name}=a,b), not as ${name}.1…: no list, so gateway error Missing${name}, HTTP 400`,
      wire: { [name]: [sample, sample].join(',') },
    });
  }
  return cases;
}

/** A JSON-text parameter's cases: without it (when required), text that is not JSON, JSON that is not an object. */
function jsonTextCases(action: string, param: ParameterObject): unknown[] {
  const cases: unknown[] = [];
  if (param.required) cases.push(missingCase(action, param.name));
  cases.push(invalidCase(action, param.name, 'json not JSON text', 'notjson'));
  cases.push(invalidCase(action, param.name, 'object (JSON text of an array)', '[]'));
  return cases;
}

/**
 * `@iot-task/contract`: the contract cases of every action, derived from its document — one per
 * documented example, per method × format × signature combination, and per parameter that is
 * required, constrained or looked up (\`x-acs-unknown-value-error\`), common ones included; the
 * kit runs each parameter case over every transport variant. Adding an action adds its cases on
 * regeneration.
 */
export function emitContractCases(set: SpecSet): string {
  const cases: Record<string, unknown>[] = [];
  for (const { action, document } of set.actions) {
    const item = document.paths['/'] as Record<string, unknown> & { parameters?: unknown[] };
    const methods = HTTP_METHODS.filter((m) => item[m] !== undefined);
    const first = item[methods[0] as string] as { responses: Record<string, unknown> };
    for (const [status, r] of Object.entries(first.responses)) {
      const response = deref<{ content?: Record<string, { example?: unknown; examples?: Record<string, unknown> }> }>(
        document,
        r as never,
      );
      for (const [mediaType, media] of Object.entries(response.content ?? {})) {
        const names = [...(media.example !== undefined ? ['default'] : []), ...Object.keys(media.examples ?? {})];
        for (const name of names) {
          cases.push({
            id: `${action}/example/${status}/${mediaType}/${name}`,
            action,
            kind: 'example',
            title: `the spec's ${mediaType} example "${name}" of HTTP ${status} validates against its schema`,
            status,
            mediaType,
            example: name,
          });
        }
      }
    }
    for (const method of methods) {
      for (const format of ['JSON', 'XML']) {
        for (const signature of ['v3', 'v1']) {
          cases.push({
            id: `${action}/exchange/${method.toUpperCase()}/${format}/${signature}`,
            action,
            kind: 'exchange',
            title: `${method.toUpperCase()} with ${format} and signature ${signature}: our client's request conforms, and the answer is HTTP 200 with Success true, the success body and its headers`,
            method: method.toUpperCase(),
            format,
            signature,
          });
        }
      }
    }
    const params = (item.parameters ?? []).map((p) => deref<ParameterObject>(document, p as ParameterObject));
    for (const param of params) {
      if (param.in !== 'query') continue;
      if (param.content !== undefined) {
        cases.push(...(jsonTextCases(action, param) as Record<string, unknown>[]));
        continue;
      }
      if ((param.schema as { type?: string } | undefined)?.type === 'array') {
        cases.push(
          ...(listCases(action, param, compactSchema(document, param.schema) as ListSchema) as Record<
            string,
            unknown
          >[]),
        );
        continue;
      }
      // Common parameters the signature and API checks judge with their own codes have their own cases.
      if (param['x-acs-common-parameter'] && SIGNATURE_PARAMETERS.has(param.name)) continue;
      const common = param['x-acs-common-parameter'] === true;
      const schema = compactSchema(document, param.schema) as NonNullable<ParameterObject['schema']> & {
        const?: unknown;
      };
      if (param.required && !common) {
        cases.push({
          id: `${action}/missing/${param.name}`,
          action,
          kind: 'missing-parameter',
          title: `without the required ${param.name}: gateway error Missing${param.name}, HTTP 400`,
          parameter: param.name,
        });
      }
      const codes = param['x-acs-unknown-value-error'];
      if (codes && !common) {
        cases.push({
          id: `${action}/unknown-value/${param.name}`,
          action,
          kind: 'unknown-value',
          title: `a ${param.name} that names nothing: business error ${codes.join(' or ')} (HTTP 200, Success false)`,
          parameter: param.name,
          codes,
        });
      }
      const invalid: [string, unknown][] = [];
      if (schema.maxLength !== undefined)
        invalid.push([`maxLength ${schema.maxLength}`, 'x'.repeat(schema.maxLength + 1)]);
      // An empty value breaks minLength; an empty signature part is a missing one (gateway cases).
      if (schema.minLength !== undefined && schema.minLength > 0 && !common)
        invalid.push([`minLength ${schema.minLength}`, '']);
      if (schema.pattern !== undefined) {
        const breaker = patternBreaker(schema.pattern);
        if (breaker !== undefined) invalid.push([`pattern ${schema.pattern}`, breaker]);
      }
      if (schema.maximum !== undefined) invalid.push([`maximum ${schema.maximum}`, String(schema.maximum + 1)]);
      if (schema.minimum !== undefined) invalid.push([`minimum ${schema.minimum}`, String(schema.minimum - 1)]);
      if (schema.type === 'integer') invalid.push(['type integer', 'ten']);
      if (schema.enum) invalid.push(['enum', 'NOT_A_VALUE']);
      if (typeof schema.const === 'string') invalid.push([`const ${schema.const}`, `${schema.const}0`]);
      for (const [constraint, value] of invalid) {
        cases.push({
          id: `${action}/invalid/${param.name}/${constraint.split(' ')[0]}`,
          action,
          kind: 'invalid-parameter',
          title: `${param.name} breaking ${constraint}: gateway error Invalid${param.name}, HTTP 400`,
          parameter: param.name,
          value,
          constraint,
          common,
        });
      }
    }
  }
  return `${bannerLines('tools/codegen', set.manifests.join(', ')).join('\n')}

/**
 * One check the contract kit runs against a target, derived from the spec; the kit's runner knows
 * each \`kind\` (and adds the gateway and lifecycle cases, which do not depend on the document).
 */
export type ContractCase =
  | { id: string; action: string; kind: 'example'; title: string; status: string; mediaType: string; example: string }
  | { id: string; action: string; kind: 'exchange'; title: string; method: 'GET' | 'POST'; format: 'JSON' | 'XML'; signature: 'v3' | 'v1' }
  | { id: string; action: string; kind: 'missing-parameter'; title: string; parameter: string; /** What is sent in the parameter's place (a list given bare), if anything. */ wire?: Readonly<Record<string, string>> }
  | { id: string; action: string; kind: 'invalid-parameter'; title: string; parameter: string; value: string; constraint: string; common: boolean; /** The parameter's wire keys sent instead of \`value\` (a list's \`Name.1\`…). */ wire?: Readonly<Record<string, string>> }
  | { id: string; action: string; kind: 'unknown-value'; title: string; parameter: string; codes: readonly string[] };

/** Every contract case the spec set's documents give. */
export const contractCases: readonly ContractCase[] = ${JSON.stringify(cases, null, 2)};
`;
}
