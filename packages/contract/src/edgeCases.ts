import { type ActionDescriptor, actions, commonParameters, type ParameterDescriptor } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer } from './checkAnswer.ts';
import { unknownValueCodes, unknownValueExpected } from './parameterCases.ts';
import { rawRequest } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import { specValue } from './requestParams.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, V1_VARIANTS, variantLabel } from './transportVariants.ts';

/**
 * The valid side of each edge the spec states, which the invalid cases only cross: a value of
 * exactly the longest and the shortest length the schema allows (and its pattern), naming
 * nothing, must be the unknown-value business error — never Invalid<Name>; a number of exactly
 * its minimum or maximum, each member of an enum and each optional parameter present (with the
 * spec's value for it) must be the success; and a parameter with a default, left out, must be
 * answered as its default says (Format → XML).
 */
export interface EdgeCase {
  id: string;
  action: string;
  kind: 'edge';
  title: string;
  parameter: string;
  edge:
    | { length: number; bound: 'maxLength' | 'minLength' }
    | { omitted: string }
    /** A value the schema allows at an edge it states (a bound, an enum member), or an optional parameter present: the success. */
    | { value: string; bound: 'minimum' | 'maximum' | 'enum' | 'present' };
  variant: TransportVariant;
}

/** A value of exactly `length` characters the schema's pattern allows, this run's own where it fits. */
function valueOfLength(param: ParameterDescriptor, length: number, runId: string): string | undefined {
  const pattern = param.schema.pattern === undefined ? undefined : new RegExp(param.schema.pattern, 'u');
  const own = `contract-edge-${runId}`;
  const fitted = own.length >= length ? own.slice(0, length) : own.padEnd(length, 'x');
  const candidates = [
    // With characters that travel percent-encoded (as the spec's own example TaskId has): a
    // server that counts the encoded form refuses it.
    length >= 3 ? `${fitted.slice(0, length - 3)}***` : fitted,
    fitted,
    ...['x', 'X', '0', '_'].map((c) => c.repeat(length)),
  ];
  return candidates.find((value) => !pattern || pattern.test(value));
}

function lengthEdges(descriptor: ActionDescriptor): EdgeCase[] {
  const cases: EdgeCase[] = [];
  for (const param of descriptor.parameters) {
    if (param.in !== 'query' || param.schema.type !== 'string') continue;
    const codes = unknownValueCodes(descriptor.action, param.name);
    if (!codes) continue;
    for (const bound of ['maxLength', 'minLength'] as const) {
      const length = param.schema[bound];
      if (length === undefined) continue;
      for (const variant of TRANSPORT_VARIANTS) {
        cases.push({
          id: `${descriptor.action}/edge/${param.name}/${bound}/${variantLabel(variant)}`,
          action: descriptor.action,
          kind: 'edge',
          title: `a ${param.name} of exactly ${bound} ${length}${param.schema.pattern ? ' matching its pattern' : ''}, naming nothing: business error ${codes.join(' or ')}, not Invalid${param.name} (${variantLabel(variant)})`,
          parameter: param.name,
          edge: { length, bound },
          variant,
        });
      }
    }
  }
  return cases;
}

/**
 * The action's own parameters at the edges that make no lookup: numbers at their bounds, enum
 * members, optional parameters present. Parameters that name things (their unknown values are
 * errors) and JSON-text ones have cases of their own.
 */
function valueEdges(descriptor: ActionDescriptor): EdgeCase[] {
  const variant = TRANSPORT_VARIANTS[0] as TransportVariant;
  const edges: { param: ParameterDescriptor; value: string; bound: 'minimum' | 'maximum' | 'enum' | 'present' }[] = [];
  for (const param of descriptor.parameters) {
    if (param.in !== 'query' || unknownValueCodes(descriptor.action, param.name) || param.schema.contentMediaType)
      continue;
    const { schema } = param;
    for (const bound of ['minimum', 'maximum'] as const)
      if (schema[bound] !== undefined) edges.push({ param, value: String(schema[bound]), bound });
    for (const member of schema.enum ?? []) edges.push({ param, value: String(member), bound: 'enum' });
    const value = specValue(param);
    if (!param.required && !schema.enum && value !== undefined)
      edges.push({ param, value: String(value), bound: 'present' });
  }
  return edges.map(({ param, value, bound }) => ({
    id: `${descriptor.action}/edge/${param.name}/${bound}${bound === 'enum' ? `/${value}` : ''}/${variantLabel(variant)}`,
    action: descriptor.action,
    kind: 'edge',
    title: `${param.name}=${value} (${bound === 'present' ? "optional, present with the spec's value" : bound === 'enum' ? 'a member of its enum' : `exactly its ${bound}`}): the success (${variantLabel(variant)})`,
    parameter: param.name,
    edge: { value, bound },
    variant,
  }));
}

/** Common parameters with a default, left out (V1, where they travel as query parameters). */
function defaultEdges(action: string): EdgeCase[] {
  return (commonParameters as readonly ParameterDescriptor[]).flatMap((param) => {
    const value = param.schema.default;
    if (typeof value !== 'string') return [];
    return V1_VARIANTS.filter((v) => v.format === 'JSON').map((variant) => ({
      id: `${action}/edge/${param.name}/default/${variant.signature}/${variant.method}`,
      action,
      kind: 'edge' as const,
      title: `${param.name} left out: the answer is as its default ${value} says (${variant.signature}/${variant.method})`,
      parameter: param.name,
      edge: { omitted: value },
      variant,
    }));
  });
}

export function edgeCases(action: string): EdgeCase[] {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  return descriptor ? [...lengthEdges(descriptor), ...valueEdges(descriptor), ...defaultEdges(action)] : [];
}

async function judgeEdgeCase(c: EdgeCase, { run, descriptor, params }: CaseContext): Promise<Outcome> {
  const { edge, variant } = c;
  if ('omitted' in edge) {
    // Only Format decides how the answer reads; any other default must simply be accepted.
    const format =
      c.parameter === 'Format' && (edge.omitted === 'JSON' || edge.omitted === 'XML') ? edge.omitted : variant.format;
    const request = await rawRequest(run.target.baseUrl, {
      ...variantRequest(run, c.action, params(), variant),
      omit: [c.parameter],
    });
    const raw = await readRaw(await run.send(request));
    return { problems: checkAnswer(c.action, variant.method, raw, { outcome: 'success' }, format) };
  }
  if ('value' in edge) {
    const request = await rawRequest(
      run.target.baseUrl,
      variantRequest(run, c.action, { ...params(), [c.parameter]: edge.value }, variant),
    );
    const problems = await answerProblems(run, c.action, request, { outcome: 'success' }, variant.format);
    return { problems: problems.map((p) => `${c.parameter}=${edge.value} (${edge.bound}): ${p}`) };
  }
  const param = descriptor.parameters.find((p) => p.name === c.parameter);
  const codes = unknownValueCodes(c.action, c.parameter);
  const value = param && valueOfLength(param, edge.length, run.runId);
  if (!param || !codes || value === undefined) {
    return { problems: [`cannot build a ${c.parameter} of ${edge.length} characters that its schema allows`] };
  }
  const expected = unknownValueExpected(codes);
  const request = await rawRequest(
    run.target.baseUrl,
    variantRequest(run, c.action, { ...params(), [c.parameter]: value }, variant),
  );
  const problems = await answerProblems(run, c.action, request, expected, variant.format);
  return { problems: problems.map((p) => `${c.parameter} of ${edge.length} characters (${edge.bound}): ${p}`) };
}

/** The valid side of every edge, after the parameter cases that cross them. */
export const edgeKind: CaseKind<EdgeCase> = {
  kinds: ['edge'],
  cases: () => Object.keys(actions).flatMap(edgeCases),
  judge: judgeEdgeCase,
};
