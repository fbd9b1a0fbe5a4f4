import { documents } from '@iot-task/spec/documents';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

/**
 * JSON Schema validation against the bundled documents with Ajv (JSON Schema 2020-12, the
 * dialect of OpenAPI 3.1): an implementation independent of the client's own drift checker,
 * so the kit does not grade the client with the client's code.
 */
type Doc = { paths: Record<string, Record<string, unknown>>; components?: Record<string, Record<string, unknown>> };

// `format: date-time` is not validated by itself: the spec pairs it with a pattern, which is.
const ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true, formats: { 'date-time': true } });
for (const [action, doc] of Object.entries(documents)) ajv.addSchema(doc as object, action);
const compiled = new Map<string, ValidateFunction>();

function validator(action: string, pointer: string): ValidateFunction {
  const key = `${action}#${pointer}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile({ $ref: key });
    compiled.set(key, fn);
  }
  return fn;
}

export function documentOf(action: string): Doc {
  const doc = (documents as Record<string, unknown>)[action];
  if (!doc) throw new Error(`no document for action ${action}`);
  return doc as Doc;
}

function resolve(doc: Doc, node: unknown): { node: Record<string, unknown>; pointer: string | undefined } {
  let pointer: string | undefined;
  let current = node as Record<string, unknown>;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 16; hops++) {
    pointer = (current.$ref as string).slice(1);
    current = pointer
      .split('/')
      .slice(1)
      .reduce<unknown>(
        (n, k) => (n as Record<string, unknown>)?.[k.replaceAll('~1', '/').replaceAll('~0', '~')],
        doc,
      ) as Record<string, unknown>;
  }
  return { node: current, pointer };
}

/** The documented statuses of an action's operation for `method`. */
export function documentedStatuses(action: string, method: string): string[] {
  const op = documentOf(action).paths['/']?.[method.toLowerCase()] as
    | { responses?: Record<string, unknown> }
    | undefined;
  return Object.keys(op?.responses ?? {});
}

/** JSON pointer (into the action's document) of the body schema for a status and media type. */
export function responseSchemaPointer(
  action: string,
  method: string,
  status: string,
  mediaType: string,
): string | undefined {
  const doc = documentOf(action);
  const op = doc.paths['/']?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
  const response = op?.responses?.[status];
  if (!response) return undefined;
  const resolved = resolve(doc, response);
  const content = (resolved.node.content ?? {}) as Record<string, { schema?: unknown }>;
  const media = content[mediaType] ?? Object.values(content)[0];
  if (!media?.schema) return undefined;
  const schema = resolve(doc, media.schema);
  return schema.pointer;
}

/** The media types the spec documents for an answer of this status (`application/json`, `text/xml`). */
export function documentedMediaTypes(action: string, method: string, status: string): string[] {
  const doc = documentOf(action);
  const op = doc.paths['/']?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
  const response = op?.responses?.[status];
  if (!response) return [];
  return Object.keys((resolve(doc, response).node.content ?? {}) as Record<string, unknown>);
}

/** The headers the spec requires on an answer of this status (`required: true` in the response's headers). */
export function requiredHeaders(action: string, method: string, status: string): string[] {
  const doc = documentOf(action);
  const op = doc.paths['/']?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
  const response = op?.responses?.[status];
  if (!response) return [];
  const headers = (resolve(doc, response).node.headers ?? {}) as Record<string, unknown>;
  return Object.entries(headers)
    .filter(([, header]) => resolve(doc, header).node.required === true)
    .map(([name]) => name.toLowerCase());
}

/**
 * For a `oneOf` told apart by `const` properties (`Success: true | false`), the branch the body
 * claims to be — so its errors read plainly instead of one list per branch.
 */
function branchFor(action: string, pointer: string, body: unknown): string {
  const doc = documentOf(action);
  const { node } = resolve(doc, { $ref: `#${pointer}` });
  const branches = node.oneOf as unknown[] | undefined;
  if (!branches || body === null || typeof body !== 'object') return pointer;
  for (const branch of branches) {
    const resolved = resolve(doc, branch);
    const properties = (resolved.node.properties ?? {}) as Record<string, { const?: unknown }>;
    const consts = Object.entries(properties).filter(([, p]) => p.const !== undefined);
    if (consts.length > 0 && consts.every(([name, p]) => (body as Record<string, unknown>)[name] === p.const)) {
      return resolved.pointer ?? pointer;
    }
  }
  return pointer;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath.split('/').slice(1).join('.');
  const field = (extra?: string) => [path, extra].filter(Boolean).join('.') || '(body)';
  switch (error.keyword) {
    case 'required':
      return `${field(String(error.params.missingProperty))}: required, but missing`;
    case 'enum':
      return `${field()}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}, got ${JSON.stringify(error.data)}`;
    case 'const':
      return `${field()}: must be ${JSON.stringify(error.params.allowedValue)}, got ${JSON.stringify(error.data)}`;
    case 'type':
      return `${field()}: must be ${error.params.type}, got ${JSON.stringify(error.data)}`;
    default:
      return `${field()}: ${error.message}${error.data !== undefined && typeof error.data !== 'object' ? `, got ${JSON.stringify(error.data)}` : ''}`;
  }
}

/**
 * The branch of a `oneOf` told apart by `Success` that a body must match: the success body
 * (`Success: true`) or the business error (`Success: false`). The pointer itself when the schema
 * is not such a `oneOf`.
 */
export function successBranch(action: string, pointer: string, success: boolean): string {
  const doc = documentOf(action);
  const { node } = resolve(doc, { $ref: `#${pointer}` });
  for (const branch of (node.oneOf as unknown[] | undefined) ?? []) {
    const resolved = resolve(doc, branch);
    const properties = (resolved.node.properties ?? {}) as Record<string, { const?: unknown }>;
    if (properties.Success?.const === success) return resolved.pointer ?? pointer;
  }
  return pointer;
}

/**
 * Readable problems of `value` against the schema at `pointer`; empty when it conforms. A
 * `oneOf` is validated against the branch the body claims to be, unless `exact` is set (the
 * caller already chose the branch).
 */
export function schemaProblems(action: string, pointer: string, value: unknown, exact = false): string[] {
  const fn = validator(action, exact ? pointer : branchFor(action, pointer, value));
  if (fn(value)) return [];
  const lines = (fn.errors ?? [])
    .map(describe)
    .filter((line) => !line.includes('must match exactly one schema in oneOf'));
  return [...new Set(lines)];
}

/** The schema of one parameter of an action (path-level parameters included), by location and name. */
export function parameterSchemaPointer(action: string, location: 'query' | 'header', name: string): string | undefined {
  const doc = documentOf(action);
  const item = doc.paths['/'] as { parameters?: unknown[] };
  for (const [index, p] of (item.parameters ?? []).entries()) {
    const resolved = resolve(doc, p);
    if (resolved.node.in === location && String(resolved.node.name).toLowerCase() === name.toLowerCase()) {
      const at = resolved.pointer ?? `/paths/~1/parameters/${index}`;
      // A parameter that travels as JSON text has its schema under content.
      return resolved.node.content ? `${at}/content/application~1json/schema` : `${at}/schema`;
    }
  }
  return undefined;
}

/** The parameters a security scheme also needs (`x-acs-required-parameters`). */
export function schemeRequirements(action: string, scheme: string): { in: string; name: string }[] {
  const doc = documentOf(action);
  const resolved = resolve(doc, doc.components?.securitySchemes?.[scheme]);
  return (resolved.node['x-acs-required-parameters'] as { in: string; name: string }[] | undefined) ?? [];
}
