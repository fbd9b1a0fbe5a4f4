import type { ActionDescriptor } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer } from './checkAnswer.ts';
import { businessError, type Expectation, gatewayError } from './expectation.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { readRaw } from './rawResponse.ts';
import { without } from './requestParams.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, V1_VARIANTS, variantLabel } from './transportVariants.ts';

type Generated = Extract<ContractCase, { kind: 'missing-parameter' | 'invalid-parameter' | 'unknown-value' }>;

/** A parameter case of the spec, sent in one transport variant. */
export type ParameterCase = Generated & { variant: TransportVariant };

/** Each parameter case in every variant; a common query parameter only where it travels (V1). */
export function parameterCases(generated: readonly ContractCase[]): ParameterCase[] {
  const cases: ParameterCase[] = [];
  for (const c of generated) {
    if (c.kind !== 'missing-parameter' && c.kind !== 'invalid-parameter' && c.kind !== 'unknown-value') continue;
    const variants = c.kind === 'invalid-parameter' && c.common ? V1_VARIANTS : TRANSPORT_VARIANTS;
    for (const variant of variants) {
      cases.push({
        ...c,
        id: `${c.id}/${variantLabel(variant)}`,
        title: `${c.title} (${variantLabel(variant)})`,
        variant,
      });
    }
  }
  return cases;
}

/** The business error the spec names for a value of `parameter` that names nothing, if it names one. */
export function unknownValueCodes(action: string, parameter: string): readonly string[] | undefined {
  const found = contractCases.find(
    (c) => c.kind === 'unknown-value' && c.action === action && c.parameter === parameter,
  );
  return found && 'codes' in found ? found.codes : undefined;
}

/** What a value that names nothing must draw: one of the business errors the spec names. */
export function unknownValueExpected(codes: readonly string[]): Expectation {
  return businessError(codes, codes.length > 1 ? 'the error-codes document names each of them' : undefined);
}

const EQUIVALENT_PARAMETER_CODES =
  'the gateway documents Missing<Name>/Invalid<Name> and also lists the generic MissingParameter/InvalidParameter';

/** What a request without a required parameter must draw: Missing<Name> (or the generic MissingParameter). */
export function missingExpected(parameter: string): Expectation {
  return gatewayError(`Missing${parameter}`, { also: ['MissingParameter'], why: EQUIVALENT_PARAMETER_CODES });
}

/** A value of the parameter's schema that names nothing: this run's own. */
function unknownValue(descriptor: ActionDescriptor, parameter: string, runId: string): string | undefined {
  const schema = descriptor.parameters.find((p) => p.name === parameter)?.schema;
  return [`contract-unknown-${runId}`, `ContractUnknown${runId}`].find(
    (value) =>
      (schema?.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) &&
      (schema?.maxLength === undefined || value.length <= schema.maxLength),
  );
}

/**
 * Sends the parameter case: a correctly signed request (what our client would refuse to send)
 * that lacks a required parameter, breaks a constraint, or names nothing — and checks the exact
 * answer: Missing<Name> / Invalid<Name> (HTTP 400), or the business error the spec names.
 */
async function judgeParameterCase(c: ParameterCase, { run, descriptor, params: wire }: CaseContext): Promise<Outcome> {
  const params = wire();
  // The signature's own parameters are the signature check's business.
  if (
    c.kind === 'invalid-parameter' &&
    c.common &&
    c.parameter.startsWith('Signature') &&
    !run.target.verifiesSignatures
  ) {
    return { skip: 'the target does not check signatures' };
  }
  let sent: Record<string, string> = params;
  let protocol: Record<string, string> | undefined;
  let expected: Expectation;
  // An unreadable Format leaves the server its default (XML): that is the answer to read.
  let format = c.variant.format;
  switch (c.kind) {
    case 'missing-parameter':
      sent = { ...without(params, c.parameter), ...c.wire };
      expected = missingExpected(c.parameter);
      break;
    case 'invalid-parameter':
      if (c.common) protocol = { [c.parameter]: c.value };
      else sent = c.wire ? { ...without(params, c.parameter), ...c.wire } : { ...params, [c.parameter]: c.value };
      if (c.parameter === 'Format') format = 'XML';
      expected = gatewayError(`Invalid${c.parameter}`, {
        // An empty value may be read as no value: a missing parameter is as right an answer.
        also: c.value === '' ? ['InvalidParameter', `Missing${c.parameter}`, 'MissingParameter'] : ['InvalidParameter'],
        why: EQUIVALENT_PARAMETER_CODES,
      });
      break;
    case 'unknown-value': {
      const value = unknownValue(descriptor, c.parameter, run.runId);
      if (value === undefined)
        return { problems: [`cannot build a ${c.parameter} that its schema allows and names nothing`] };
      sent = { ...params, [c.parameter]: value };
      expected = unknownValueExpected(c.codes);
      break;
    }
  }
  const request = await rawRequest(run.target.baseUrl, {
    action: c.action,
    params: sent,
    ...(protocol ? { protocol } : {}),
    signature: c.variant.signature,
    method: c.variant.method,
    format: c.variant.format,
    credentials: run.target.credentials,
    timestamp: utcSeconds(run.target.clock.now()),
  });
  const response = await run.send(request);
  return { problems: checkAnswer(c.action, c.variant.method, await readRaw(response), expected, format) };
}

/** The spec's parameter cases (missing, invalid, naming nothing), each in every variant it travels in. */
export const parameterKind: CaseKind<ParameterCase> = {
  kinds: ['missing-parameter', 'invalid-parameter', 'unknown-value'],
  cases: () => parameterCases(contractCases),
  judge: judgeParameterCase,
};
