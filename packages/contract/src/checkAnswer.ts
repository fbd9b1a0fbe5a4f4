import { decodeXml, parseXml, type XmlElement } from '@iot-task/client/xml';
import { type ActionDescriptor, actions, type CompactSchema } from '@iot-task/spec';
import { duplicateJsonKeys } from './duplicateJsonKeys.ts';
import { describeExpectation, type Expectation } from './expectation.ts';
import { jsonTextProblems } from './jsonTextFields.ts';
import type { RawResponse } from './rawResponse.ts';
import {
  documentedMediaTypes,
  requiredHeaders,
  responseSchemaPointer,
  schemaProblems,
  successBranch,
} from './specSchemas.ts';

function formatOf(contentType: string | null | undefined): 'JSON' | 'XML' | undefined {
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
      // Only the words true and false are a boolean; anything else stays the text it is.
      ...(success === undefined ? {} : { Success: success === 'true' ? true : success === 'false' ? false : success }),
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
  else if (fields?.Success !== undefined) parts.push(`Success ${JSON.stringify(fields.Success)} (not a boolean)`);
  if (typeof fields?.Code === 'string') parts.push(`Code ${fields.Code}`);
  return parts.join(', ');
}

/**
 * Whether an answer is exactly the expected one, as the spec describes it: the status, the
 * media type the spec documents for the format asked, the XML root, the headers the spec requires
 * (`x-acs-request-id`, equal to the body's `RequestId`), the body against the schema of that
 * outcome (the success body, the business error, or the gateway's error envelope), and the error
 * code. Returns the problems, each naming what was expected and what came back.
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
  const status = String(raw.status);
  const mediaType = (raw.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const wanted = documentedMediaTypes(action, method, status).find((m) => formatOf(m) === format);
  if (formatOf(raw.contentType) !== format || (wanted !== undefined && mediaType !== wanted)) {
    return [`content-type: expected ${wanted ?? format}, got ${raw.contentType ?? '(none)'} (${got})`];
  }
  if (raw.contentType?.includes(',')) {
    return [`content-type: given more than once (${raw.contentType}); an answer has one media type`];
  }
  if (raw.truncatedAt !== undefined) {
    return [`body: over ${raw.truncatedAt} bytes, reading stopped; no answer of this API is that large`];
  }
  if (raw.notUtf8) return [`body: not valid UTF-8, which every answer of the API is (${got})`];
  const parsed = parseAnswer(action, raw, format);
  if ('unreadable' in parsed) return parsed.unreadable;
  const { body } = parsed;
  const problems = [...parsed.problems];
  const fields = (body ?? {}) as Record<string, unknown>;
  // A Success that is not a boolean is that defect (the schema names it), not the other outcome.
  if (
    raw.status === 200 &&
    typeof fields.Success === 'boolean' &&
    fields.Success !== (expected.outcome === 'success')
  ) {
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
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const compact = descriptor?.responses[status]?.schema ?? undefined;
  const described = raw.status === 200 ? branchOf(compact, expected.outcome === 'success') : compact;
  problems.push(...undescribedFields(described, body).map((path) => `body ${path}: not described by the spec`));
  problems.push(...jsonTextProblems(described, body).map((p) => `body ${p}`));
  if (expected.outcome !== 'success') {
    const code = typeof fields.Code === 'string' ? fields.Code : undefined;
    const noCodeMessage = expected.outcome === 'gateway-error' ? expected.noCodeMessage : undefined;
    const equivalentWithoutCode = code === undefined && noCodeMessage !== undefined && fields.Message === noCodeMessage;
    if (!(code !== undefined && expected.codes.includes(code)) && !equivalentWithoutCode) {
      const without =
        code === undefined && noCodeMessage !== undefined
          ? ` (a body without Code must carry the Message "${noCodeMessage}"; it carried ${JSON.stringify(fields.Message)})`
          : '';
      problems.push(`Code: expected ${expected.codes.join(' or ')}, got ${code ?? '(none)'}${without}`);
    }
  }
  return problems;
}

/**
 * The body of an answer as the value it stands for: JSON parsed, XML decoded the way clients read
 * it (with its root checked). Problems on the way, or why it could not be read at all.
 */
export function parseAnswer(
  action: string,
  raw: RawResponse,
  format: 'JSON' | 'XML',
): { body: unknown; problems: string[] } | { unreadable: string[] } {
  if (raw.body.startsWith('\uFEFF')) {
    return { unreadable: [`body: starts with a byte order mark (U+FEFF), which no ${format} answer of the API has`] };
  }
  if (format === 'JSON') {
    let body: unknown;
    try {
      body = JSON.parse(raw.body);
    } catch (error) {
      return { unreadable: [`body: not JSON (${(error as Error).message})`] };
    }
    return {
      body,
      problems: duplicateJsonKeys(raw.body).map(
        (key) =>
          `body: the key ${JSON.stringify(key)} appears twice in one object (readers disagree on which one counts)`,
      ),
    };
  }
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const problems: string[] = [];
  const declared = /^<\?xml[^>]*\bencoding=["']([^"']+)["']/i.exec(raw.body)?.[1];
  if (declared !== undefined && declared.toLowerCase() !== 'utf-8') {
    problems.push(`XML declaration: encoding ${declared}, but the body is UTF-8 (as every answer of the API)`);
  }
  const root = /<([A-Za-z_][\w.-]*)[\s/>]/.exec(raw.body.replace(/^<\?xml[^>]*\?>\s*/, ''))?.[1];
  const expectedRoot = raw.status >= 400 ? 'Error' : descriptor?.xmlRoot;
  if (root !== expectedRoot) problems.push(`XML root: expected <${expectedRoot}>, got <${root ?? ''}>`);
  try {
    const element = parseXml(raw.body);
    problems.push(
      ...xmlAttributes(element).map((at) => `body ${at}: an XML attribute, which the spec does not describe`),
    );
    return { body: decodeXml(descriptor?.responses[String(raw.status)]?.schema ?? undefined, element), problems };
  } catch (error) {
    return { unreadable: [...problems, `body: not XML the API would send (${(error as Error).message})`] };
  }
}

/** Every attribute in an XML answer (a namespace declaration included), as `Root.Child@name`. */
function xmlAttributes(element: XmlElement, path = element.name): string[] {
  return [
    ...element.attributes.map((name) => `${path}@${name}`),
    ...element.children.flatMap((child) => xmlAttributes(child, `${path}.${child.name}`)),
  ];
}

/** The branch of a `oneOf` on `Success` (true: the success body; false: the business error). */
function branchOf(schema: CompactSchema | undefined, success: boolean): CompactSchema | undefined {
  return schema?.oneOf?.find((b) => b.properties?.Success?.const === success) ?? schema;
}

/**
 * Fields of a body that its schema does not describe — a renamed field shows as one of these
 * (and as a required one missing). The spec allows them; a contract kit reports them, since the
 * service then says more than its description does.
 */
export function undescribedFields(schema: CompactSchema | undefined, value: unknown, path = ''): string[] {
  if (!schema?.properties || value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (Array.isArray(value) && schema?.items) {
      return value.flatMap((item, i) => undescribedFields(schema.items, item, `${path}[${i}]`));
    }
    return [];
  }
  const out: string[] = [];
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    const at = path ? `${path}.${name}` : name;
    const property = schema.properties[name];
    if (!property) out.push(at);
    else out.push(...undescribedFields(property, field, at));
  }
  return out;
}
