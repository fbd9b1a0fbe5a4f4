import { type ErrorCodeDescriptor, errorCodes } from '@iot-task/spec';

/** What a case expects back, exactly. */
export type Expectation =
  | { outcome: 'success' }
  /** HTTP 200, `Success: false`, one of `codes` (the first is the documented one, the rest equivalent for `why`). */
  | { outcome: 'business-error'; codes: readonly string[]; why?: string }
  /**
   * A gateway error: one of `statuses`, a `Code` among `codes` (the first is the documented one,
   * the rest equivalent for `why`). With `noCodeMessage`, a body without `Code` whose `Message` is
   * exactly that is equivalent too, as the gateway has been captured sending.
   */
  | {
      outcome: 'gateway-error';
      codes: readonly string[];
      statuses: readonly number[];
      noCodeMessage?: string;
      why?: string;
    };

const catalogue = new Map<string, ErrorCodeDescriptor>(errorCodes.map((e) => [e.code, e]));

/** A gateway error as the spec's catalogue (`x-acs-error-codes`) documents it, plus equivalents. */
export function gatewayError(
  code: string,
  options: { also?: readonly string[]; statuses?: readonly number[]; orNoCode?: boolean; why?: string } = {},
): Extract<Expectation, { outcome: 'gateway-error' }> {
  const documented = catalogue.get(code);
  const status = documented?.httpStatus;
  const statuses = options.statuses ?? (status === undefined ? [400] : [status]);
  return {
    outcome: 'gateway-error',
    codes: [code, ...(options.also ?? [])],
    statuses,
    ...(options.orNoCode && documented ? { noCodeMessage: documented.message } : {}),
    ...(options.why ? { why: options.why } : {}),
  };
}

export function businessError(codes: readonly string[], why?: string): Expectation {
  return { outcome: 'business-error', codes, ...(why ? { why } : {}) };
}

/** One line for what a case expects. */
export function describeExpectation(expected: Expectation): string {
  switch (expected.outcome) {
    case 'success':
      return 'HTTP 200, Success true';
    case 'business-error':
      return `HTTP 200, Success false, Code ${expected.codes.join(' or ')}`;
    case 'gateway-error':
      return `HTTP ${expected.statuses.join(' or ')}, Code ${expected.codes.join(' or ')}${expected.noCodeMessage ? ' (or none, with its catalogue message)' : ''}`;
  }
}
