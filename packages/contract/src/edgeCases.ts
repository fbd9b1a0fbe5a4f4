import { type ActionDescriptor, actions, commonParameters, type ParameterDescriptor } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, readRaw } from './expectations.ts';
import { unknownValueCodes, unknownValueExpected } from './parameterCases.ts';
import { rawRequest } from './rawRequest.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, V1_VARIANTS, variantLabel } from './transportVariants.ts';

/**
 * The valid side of each edge the spec states, which the invalid cases only cross: a value of
 * exactly the longest and the shortest length the schema allows (and its pattern), naming
 * nothing, must be the unknown-value business error — never Invalid<Name> — and a parameter with
 * a default, left out, must be answered as its default says (Format → XML).
 */
export interface EdgeCase {
  id: string;
  action: string;
  kind: 'edge';
  title: string;
  parameter: string;
  edge: { length: number; bound: 'maxLength' | 'minLength' } | { omitted: string };
  variant: TransportVariant;
}

/** A value of exactly `length` characters the schema's pattern allows, this run's own where it fits. */
function valueOfLength(param: ParameterDescriptor, length: number, runId: string): string | undefined {
  const pattern = param.schema.pattern === undefined ? undefined : new RegExp(param.schema.pattern, 'u');
  const own = `contract-edge-${runId}`;
  const candidates = [
    own.length >= length ? own.slice(0, length) : own.padEnd(length, 'x'),
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
  return descriptor ? [...lengthEdges(descriptor), ...defaultEdges(action)] : [];
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
