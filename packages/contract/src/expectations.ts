import { decodeXmlBody } from '@iot-task/client/xml';
import { type ActionDescriptor, actions, type ErrorCodeDescriptor, errorCodes } from '@iot-task/spec';
import { requiredHeaders, responseSchemaPointer, schemaProblems, successBranch } from './specSchemas.ts';

/** An answer as it came off the wire. */
export interface RawResponse {
  status: number;
  contentType: string | null;
  body: string;
  /** Response headers, lowercase names. */
  headers?: Readonly<Record<string, string>>;
}

/** What a case expects back, exactly. */
export type Expectation =
  | { outcome: 'success' }
  /** HTTP 200, `Success: false`, one of `codes` (the first is the documented one, the rest equivalent for `why`). */
  | { outcome: 'business-error'; codes: readonly string[]; why?: string }
  /**
   * A gateway error: one of `statuses`, a `Code` among `codes` (`null`: a body without `Code`
   * is equivalent, as the gateway has been captured sending), for `why` when there is more than one.
   */
  | { outcome: 'gateway-error'; codes: readonly (string | null)[]; statuses: readonly number[]; why?: string };

const catalogue = new Map<string, ErrorCodeDescriptor>(errorCodes.map((e) => [e.code, e]));

/** A gateway error as the spec's catalogue (`x-acs-error-codes`) documents it, plus equivalents. */
export function gatewayError(
  code: string,
  options: { also?: readonly (string | null)[]; statuses?: readonly number[]; why?: string } = {},
): Extract<Expectation, { outcome: 'gateway-error' }> {
  const documented = catalogue.get(code);
  const status = documented?.httpStatus;
  const statuses = options.statuses ?? (status === undefined ? [400] : [status]);
  return {
    outcome: 'gateway-error',
    codes: [code, ...(options.also ?? [])],
    statuses,
    ...(options.why ? { why: options.why } : {}),
  };
}

export function businessError(codes: readonly string[], why?: string): Expectation {
  return { outcome: 'business-error', codes, ...(why ? { why } : {}) };
}

function formatOf(contentType: string | null): 'JSON' | 'XML' | undefined {
  if (/json/i.test(contentType ?? '')) return 'JSON';
  if (/xml/i.test(contentType ?? '')) return 'XML';
  return undefined;
}

function fieldsOf(raw: RawResponse): Record<string, unknown> | undefined {
  try {
    if (formatOf(raw.contentType) === 'JSON') return JSON.parse(raw.body) as Record<string, unknown>;
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(raw.body)?.[1];
    const success = field('Success');
    return {
      Code: field('Code'),
      ...(success === undefined ? {} : { Success: success === 'true' }),
    };
  } catch {
    return undefined;
  }
}

/** One line for what came back: status, and Success/Code when there are any. */
export function describeAnswer(raw: RawResponse): string {
  const fields = fieldsOf(raw);
  const parts = [`HTTP ${raw.status}`];
  if (!formatOf(raw.contentType)) parts.push(raw.contentType ?? 'no content-type');
  if (typeof fields?.Success === 'boolean') parts.push(`Success ${fields.Success}`);
  if (typeof fields?.Code === 'string') parts.push(`Code ${fields.Code}`);
  return parts.join(', ');
}

/** One line for what a case expects. */
export function describeExpectation(expected: Expectation): string {
  switch (expected.outcome) {
    case 'success':
      return 'HTTP 200, Success true';
    case 'business-error':
      return `HTTP 200, Success false, Code ${expected.codes.join(' or ')}`;
    case 'gateway-error':
      return `HTTP ${expected.statuses.join(' or ')}, Code ${expected.codes.map((c) => c ?? '(none)').join(' or ')}`;
  }
}

/**
 * Whether an answer is exactly the expected one, as the spec describes it: the status, the
 * content type asked for, the XML root, the headers the spec requires (`x-acs-request-id`, equal
 * to the body's `RequestId`), the body against the schema of that outcome (the success body, the business
 * error, or the gateway's error envelope), and the error code. Returns the problems, each naming
 * what was expected and what came back.
 */
export function checkAnswer(
  action: string,
  method: string,
  raw: RawResponse,
  expected: Expectation,
  format: 'JSON' | 'XML',
): string[] {
  const got = describeAnswer(raw);
  const statuses = expected.outcome === 'gateway-error' ? expected.statuses : [200];
  if (!statuses.includes(raw.status)) return [`expected ${describeExpectation(expected)}; got ${got}`];
  const actual = formatOf(raw.contentType);
  if (actual !== format) {
    return [`content-type: expected ${format}, got ${raw.contentType ?? '(none)'} (${got})`];
  }
  const problems: string[] = [];
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const status = String(raw.status);
  let body: unknown;
  if (format === 'JSON') {
    try {
      body = JSON.parse(raw.body);
    } catch (error) {
      return [`body: not JSON (${(error as Error).message})`];
    }
  } else {
    const root = /<([A-Za-z_][\w.-]*)[\s/>]/.exec(raw.body.replace(/^<\?xml[^>]*\?>\s*/, ''))?.[1];
    const expectedRoot = raw.status >= 400 ? 'Error' : descriptor?.xmlRoot;
    if (root !== expectedRoot) problems.push(`XML root: expected <${expectedRoot}>, got <${root ?? ''}>`);
    try {
      body = decodeXmlBody(descriptor?.responses[status]?.schema ?? undefined, raw.body);
    } catch (error) {
      return [...problems, `body: not XML the API would send (${(error as Error).message})`];
    }
  }
  const fields = (body ?? {}) as Record<string, unknown>;
  if (raw.status === 200 && fields.Success !== (expected.outcome === 'success')) {
    problems.push(`expected ${describeExpectation(expected)}; got ${got}`);
  }
  for (const name of requiredHeaders(action, method, status)) {
    if (raw.headers?.[name] === undefined) problems.push(`header ${name}: required, but missing`);
  }
  const header = raw.headers?.['x-acs-request-id'];
  if (
    header !== undefined &&
    typeof fields.RequestId === 'string' &&
    /^[\x20-\x7e]+$/.test(fields.RequestId) &&
    header !== fields.RequestId
  ) {
    problems.push(`header x-acs-request-id: expected the body's RequestId ${fields.RequestId}, got ${header}`);
  }
  const pointer = responseSchemaPointer(action, method, status, format === 'JSON' ? 'application/json' : 'text/xml');
  if (!pointer) return [...problems, `status ${status}: no ${format} body is documented for ${action}`];
  const branch = raw.status === 200 ? successBranch(action, pointer, expected.outcome === 'success') : pointer;
  problems.push(...schemaProblems(action, branch, body, true).map((p) => `body ${p}`));
  if (expected.outcome !== 'success') {
    const code = typeof fields.Code === 'string' ? fields.Code : null;
    if (!(expected.codes as readonly (string | null)[]).includes(code)) {
      problems.push(`Code: expected ${expected.codes.map((c) => c ?? '(none)').join(' or ')}, got ${code ?? '(none)'}`);
    }
  }
  return problems;
}

/** An answer read off a Response, headers included. */
export async function readRaw(response: Response): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: await response.text(),
    headers,
  };
}
