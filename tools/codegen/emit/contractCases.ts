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
  content?: unknown;
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
      if (param.in !== 'query' || param.content !== undefined) continue;
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
  | { id: string; action: string; kind: 'missing-parameter'; title: string; parameter: string }
  | { id: string; action: string; kind: 'invalid-parameter'; title: string; parameter: string; value: string; constraint: string; common: boolean }
  | { id: string; action: string; kind: 'unknown-value'; title: string; parameter: string; codes: readonly string[] };

/** Every contract case the spec set's documents give. */
export const contractCases: readonly ContractCase[] = ${JSON.stringify(cases, null, 2)};
`;
}
