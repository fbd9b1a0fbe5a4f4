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
}

/** A value that breaks `pattern` but is otherwise an ordinary short string. */
function patternBreaker(pattern: string): string | undefined {
  const regex = new RegExp(pattern, 'u');
  return ['a b', 'a/b', 'a#b', 'a?b', '作业', '~'].find((candidate) => !regex.test(candidate));
}

/**
 * `@iot-task/contract`: the contract cases of every action, derived from its document — one per
 * documented example, per method × format × signature combination, per parameter constraint,
 * and a bad signature. Adding an action adds its cases on regeneration.
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
            title: `${method.toUpperCase()} with ${format} and signature ${signature}: our client's request and the answer conform`,
            method: method.toUpperCase(),
            format,
            signature,
          });
        }
      }
    }
    const params = (item.parameters ?? []).map((p) => deref<ParameterObject>(document, p as ParameterObject));
    for (const param of params) {
      if (param['x-acs-common-parameter'] || param.in !== 'query' || param.content !== undefined) continue;
      const schema = compactSchema(document, param.schema) as NonNullable<ParameterObject['schema']>;
      if (param.required) {
        cases.push({
          id: `${action}/missing/${param.name}`,
          action,
          kind: 'missing-parameter',
          title: `without the required ${param.name}: a documented gateway error (Missing${param.name})`,
          parameter: param.name,
        });
      }
      const invalid: [string, unknown][] = [];
      if (schema.maxLength !== undefined)
        invalid.push([`maxLength ${schema.maxLength}`, 'x'.repeat(schema.maxLength + 1)]);
      if (schema.pattern !== undefined) {
        const breaker = patternBreaker(schema.pattern);
        if (breaker !== undefined) invalid.push([`pattern ${schema.pattern}`, breaker]);
      }
      if (schema.maximum !== undefined) invalid.push([`maximum ${schema.maximum}`, String(schema.maximum + 1)]);
      if (schema.minimum !== undefined) invalid.push([`minimum ${schema.minimum}`, String(schema.minimum - 1)]);
      if (schema.type === 'integer') invalid.push(['type integer', 'ten']);
      if (schema.enum) invalid.push([`enum`, 'NOT_A_VALUE']);
      for (const [constraint, value] of invalid) {
        cases.push({
          id: `${action}/invalid/${param.name}/${constraint.split(' ')[0]}`,
          action,
          kind: 'invalid-parameter',
          title: `${param.name} breaking ${constraint}: a documented error`,
          parameter: param.name,
          value,
          constraint,
        });
      }
    }
    cases.push({
      id: `${action}/signature/tampered`,
      action,
      kind: 'bad-signature',
      title: 'a tampered signature: SignatureDoesNotMatch (HTTP 400)',
    });
  }
  return `${bannerLines('tools/codegen', set.manifest).join('\n')}

/** One check the contract kit runs against a target; the kit's runner knows each \`kind\`. */
export type ContractCase =
  | { id: string; action: string; kind: 'example'; title: string; status: string; mediaType: string; example: string }
  | { id: string; action: string; kind: 'exchange'; title: string; method: 'GET' | 'POST'; format: 'JSON' | 'XML'; signature: 'v3' | 'v1' }
  | { id: string; action: string; kind: 'missing-parameter'; title: string; parameter: string }
  | { id: string; action: string; kind: 'invalid-parameter'; title: string; parameter: string; value: string; constraint: string }
  | { id: string; action: string; kind: 'bad-signature'; title: string };

/** Every contract case of the spec set. */
export const contractCases: readonly ContractCase[] = ${JSON.stringify(cases, null, 2)};
`;
}
