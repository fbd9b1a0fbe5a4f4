/**
 * The RPC wire shapes a document may use, checked the same way by `npm run generate` (through
 * loadSpecSet) and `npm run lint` (through tools/spec-lint): a scalar parameter, a list
 * (`Name.1=…&Name.2=…`, or `Name.1.Field=…` for a list of objects: the official SDK's
 * `OpenApiUtil.query` flattening), an object sent as JSON text, and the two kinds of paging.
 * See specs/README.md ("Wire shapes") and decisions/rpc-wire-shapes.md.
 */
import type { OpenApiDocument, PageNumberPaging, Paging, TokenPaging } from './loadSpecSet.ts';
import { resolve } from './resolveRef.ts';

/** Stops the check with one line: the rule broken and its fix. */
export type Fail = (rule: string, fix: string) => never;

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'] as const;
const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);
const JSON_TEXT = 'application/json';

interface Schema {
  type?: string | string[];
  properties?: Record<string, unknown>;
  required?: string[];
  items?: unknown;
  maxItems?: unknown;
  minItems?: unknown;
  default?: unknown;
  oneOf?: unknown[];
  anyOf?: unknown[];
  enum?: unknown[];
  const?: unknown;
}

interface Parameter {
  name?: string;
  in?: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema?: unknown;
  content?: Record<string, { schema?: unknown }>;
  'x-acs-common-parameter'?: boolean;
}

/** Every parameter of "/" (path item and operations), resolved. */
export function parametersOf(doc: OpenApiDocument): Parameter[] {
  const item = (doc.paths?.['/'] ?? {}) as Record<string, unknown> & { parameters?: unknown[] };
  const listed = [
    ...(item.parameters ?? []),
    ...METHODS.flatMap((m) => ((item[m] as { parameters?: unknown[] } | undefined)?.parameters ?? []) as unknown[]),
  ];
  return listed.map((p) => resolve(doc, p) as Parameter);
}

const typeOf = (schema: Schema | undefined): string | undefined => {
  if (!schema) return undefined;
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.const !== undefined) return typeof schema.const === 'number' ? 'number' : typeof schema.const;
  if (Array.isArray(schema.enum)) return 'string';
  // oneOf/anyOf of scalars (TaskProgress: an integer or a numeric string) is a scalar.
  const branches = (schema.oneOf ?? schema.anyOf ?? []) as Schema[];
  return branches.length > 0 ? 'scalar' : undefined;
};

const isScalar = (doc: OpenApiDocument, node: unknown): boolean => {
  const schema = resolve(doc, node) as Schema | undefined;
  const type = typeOf(schema);
  if (type === 'scalar') {
    return ((schema?.oneOf ?? schema?.anyOf ?? []) as unknown[]).every((b) => isScalar(doc, b));
  }
  return type !== undefined && SCALARS.has(type);
};

/**
 * Each parameter must have one of the RPC shapes: a scalar, a list (`style: form`,
 * `explode: true`, `maxItems`) of scalars or of objects of scalars, or an object as JSON text
 * (`content: application/json`). An action's own parameters travel in the query.
 */
export function checkParameters(doc: OpenApiDocument, fail: Fail): void {
  const seen = new Set<string>();
  for (const param of parametersOf(doc)) {
    const name = String(param.name);
    const where = `parameter ${name}`;
    const key = `${param.in}:${name}`;
    if (seen.has(key)) fail(`${where} is declared twice`, 'declare every parameter once, on the path item "/"');
    seen.add(key);
    if (param['x-acs-common-parameter'] !== true && param.in !== 'query') {
      fail(
        `${where} is in ${param.in}; an RPC action's own parameters travel in the query`,
        `declare ${name} with in: query`,
      );
    }
    if (param.schema !== undefined && param.content !== undefined) {
      fail(
        `${where} has both schema and content`,
        'keep one: schema for a value or a list, content: { application/json: { schema } } for an object sent as JSON text',
      );
    }
    if (param.content !== undefined) {
      checkJsonText(doc, name, param, fail);
      continue;
    }
    if (param.schema === undefined) {
      fail(`${where} has neither schema nor content`, `give ${name} a schema (or content: application/json)`);
    }
    const schema = resolve(doc, param.schema) as Schema;
    const type = typeOf(schema);
    if (type === 'array') {
      checkList(doc, name, param, schema, fail);
      continue;
    }
    if (param.style !== undefined && param.style !== 'form') {
      fail(
        `${where} has style: ${param.style}; RPC query parameters are style: form`,
        'drop style, or set style: form',
      );
    }
    if (type === 'object') {
      fail(
        `${where} is an object in the query; RPC sends an object only as JSON text`,
        `replace its schema with content: { application/json: { schema: … } }`,
      );
    }
    if (!isScalar(doc, schema)) {
      fail(
        `${where} has no scalar type (string, integer, number or boolean)`,
        `give ${name} a type, or make it a list (type: array) or a JSON-text object (content: application/json)`,
      );
    }
  }
}

function checkJsonText(doc: OpenApiDocument, name: string, param: Parameter, fail: Fail): void {
  const types = Object.keys(param.content ?? {});
  if (types.length !== 1 || types[0] !== JSON_TEXT) {
    fail(
      `parameter ${name} is sent as ${types.length === 0 ? 'no media type' : types.join(', ')}; an RPC parameter sent as a document is JSON text, one media type`,
      `content: { ${JSON_TEXT}: { schema: { type: object, properties: … } } }`,
    );
  }
  if (param.style !== undefined || param.explode !== undefined) {
    fail(
      `parameter ${name} is JSON text (content) and sets style/explode`,
      'drop style and explode: JSON text is one query value',
    );
  }
  const schema = resolve(doc, param.content?.[JSON_TEXT]?.schema) as Schema | undefined;
  if (typeOf(schema) !== 'object' || schema?.properties === undefined) {
    fail(
      `parameter ${name}'s JSON text must describe an object (type: object with properties)`,
      `give the schema under content.${JSON_TEXT} type: object and its properties`,
    );
  }
}

function checkList(doc: OpenApiDocument, name: string, param: Parameter, schema: Schema, fail: Fail): void {
  const where = `list parameter ${name}`;
  if (param.style !== 'form' || param.explode !== true) {
    fail(
      `${where} must say style: form and explode: true (it travels as ${name}.1=…&${name}.2=…)`,
      `add style: form and explode: true to ${name}`,
    );
  }
  const { maxItems, minItems } = schema;
  if (!Number.isInteger(maxItems) || (maxItems as number) < 1) {
    fail(
      `${where} has no maxItems`,
      `set maxItems to the most the API takes in one call (mark it x-iot-task-assumed when no document states it)`,
    );
  }
  if (minItems !== undefined && (!Number.isInteger(minItems) || (minItems as number) < 0)) {
    fail(`${where} has a minItems that is not a count`, 'make minItems a non-negative integer, or drop it');
  }
  if ((minItems as number | undefined) !== undefined && (minItems as number) > (maxItems as number)) {
    fail(`${where} has minItems ${minItems} above maxItems ${maxItems}`, 'make minItems at most maxItems');
  }
  if (schema.items === undefined)
    fail(`${where} has no items schema`, `describe its items, e.g. items: { type: string }`);
  if (isScalar(doc, schema.items)) return;
  const items = resolve(doc, schema.items) as Schema;
  if (typeOf(items) === 'object' && items.properties !== undefined) {
    const nested = Object.entries(items.properties).find(([, s]) => !isScalar(doc, s));
    if (nested) {
      fail(
        `${where}'s items have a field ${nested[0]} that is not a scalar; only ${name}.N.Field=… is described`,
        `make ${nested[0]} a string, integer, number or boolean`,
      );
    }
    return;
  }
  fail(
    `${where}'s items must be scalars (${name}.N=…) or objects of scalar fields (${name}.N.Field=…)`,
    'give items a scalar type, or type: object with scalar properties',
  );
}

/** The success body (the `Success: true` branch of a 200 body, or the body itself). */
function successBody(doc: OpenApiDocument): Schema | undefined {
  const item = doc.paths['/'] as Record<string, unknown>;
  const [method] = METHODS.filter((m) => item[m] !== undefined);
  const ok = (item[method as string] as { responses?: Record<string, unknown> } | undefined)?.responses?.['200'];
  const media = Object.values(
    (resolve(doc, ok) as { content?: Record<string, { schema?: unknown }> } | undefined)?.content ?? {},
  )[0];
  const body = resolve(doc, media?.schema) as Schema | undefined;
  if (!body?.oneOf) return body;
  return body.oneOf
    .map((b) => resolve(doc, b) as Schema)
    .find((b) => (resolve(doc, b.properties?.Success) as { const?: unknown } | undefined)?.const === true);
}

const KINDS = {
  token: ['tokenParameter', 'tokenField', 'items'],
  'page-number': ['pageParameter', 'sizeParameter', 'totalField', 'items'],
} as const;

const EXAMPLES = {
  token: 'x-iot-task-paging: { kind: token, tokenParameter: NextToken, tokenField: NextToken, items: Data.data }',
  'page-number':
    'x-iot-task-paging: { kind: page-number, pageParameter: CurrentPage, sizeParameter: PageSize, totalField: Total, items: Data.DeviceInfo }',
} as const;

/**
 * A paged action: by token (each answer's token field asks for the next page) or by page number
 * (page 1, 2, … while page × size < total). Each names parameters and fields the document has.
 */
export function checkPaging(doc: OpenApiDocument, raw: unknown, fail: Fail): Paging {
  const paging = (raw ?? {}) as Record<string, unknown>;
  const kind = paging.kind ?? 'token';
  if (kind !== 'token' && kind !== 'page-number') {
    fail(
      `x-iot-task-paging.kind must be token or page-number, not ${JSON.stringify(kind)}`,
      `${EXAMPLES.token}, or ${EXAMPLES['page-number']}`,
    );
  }
  const k = kind as keyof typeof KINDS;
  const fields: readonly string[] = KINDS[k];
  const missing = fields.filter((f) => typeof paging[f] !== 'string' || paging[f] === '');
  if (missing.length > 0) {
    // The message a token paging always had, so existing documents read the same.
    fail(
      k === 'token'
        ? 'x-iot-task-paging must name tokenParameter, tokenField and items'
        : `x-iot-task-paging of kind page-number must name pageParameter, sizeParameter, totalField and items (missing ${missing.join(', ')})`,
      k === 'token'
        ? 'x-iot-task-paging: { tokenParameter: NextToken, tokenField: NextToken, items: Data.data }'
        : EXAMPLES[k],
    );
  }
  const stray = Object.keys(paging).filter((f) => f !== 'kind' && !fields.includes(f));
  if (stray.length > 0) {
    fail(`x-iot-task-paging of kind ${k} takes ${fields.join(', ')}; ${stray.join(', ')} does not belong`, EXAMPLES[k]);
  }
  const parameters = parametersOf(doc);
  const success = successBody(doc);
  const items = paging.items as string;
  let node: Schema | undefined = success;
  for (const key of items.split('.'))
    node = node?.properties?.[key] ? (resolve(doc, node.properties[key]) as Schema) : undefined;
  const itemsAreArray = typeOf(node) === 'array';

  if (k === 'token') {
    const { tokenParameter, tokenField } = paging as unknown as TokenPaging;
    if (!parameters.some((p) => p.name === tokenParameter && p.in === 'query')) {
      fail(
        `the paged action has no query parameter ${tokenParameter} (x-iot-task-paging.tokenParameter)`,
        `add the ${tokenParameter} query parameter, or name the one that asks for a page`,
      );
    }
    if (!success?.properties?.[tokenField]) {
      fail(
        `the paged action's success body has no ${tokenField} field (x-iot-task-paging.tokenField)`,
        `add ${tokenField} to the success body, or name the field that holds the next page's token`,
      );
    }
    if (!itemsAreArray) failItems(items, fail);
    return { kind: 'token', tokenParameter, tokenField, items };
  }

  const { pageParameter, sizeParameter, totalField } = paging as unknown as PageNumberPaging;
  const integerQuery = (name: string, role: string, what: string): Parameter => {
    const param = parameters.find((p) => p.name === name && p.in === 'query');
    if (!param || param.content !== undefined || typeOf(resolve(doc, param.schema) as Schema) !== 'integer') {
      fail(
        `the paged action has no integer query parameter ${name} (x-iot-task-paging.${role})`,
        `add ${name} (in: query, schema type: integer), or name the one that ${what}`,
      );
    }
    return param as Parameter;
  };
  integerQuery(pageParameter, 'pageParameter', 'asks for a page by its number');
  const size = integerQuery(sizeParameter, 'sizeParameter', 'sets the page size');
  if (size.required !== true && (resolve(doc, size.schema) as Schema).default === undefined) {
    fail(
      `the page size ${sizeParameter} (x-iot-task-paging.sizeParameter) has no default and is not required, so how many pages there are is unknown`,
      `give ${sizeParameter} the server's page size as its default (e.g. default: 10), or make it required`,
    );
  }
  const total = resolve(doc, success?.properties?.[totalField]) as Schema | undefined;
  if (typeOf(total) !== 'integer') {
    fail(
      `the paged action's success body has no integer ${totalField} field (x-iot-task-paging.totalField)`,
      `add ${totalField} (type: integer, the number of items of all pages) to the success body, or name the field that holds it`,
    );
  }
  if (!success?.required?.includes(totalField)) {
    fail(
      `the paged action's ${totalField} (x-iot-task-paging.totalField) is not required in the success body: without it the pages cannot end`,
      `add ${totalField} to the success body's required list`,
    );
  }
  if (!itemsAreArray) failItems(items, fail);
  return { kind: 'page-number', pageParameter, sizeParameter, totalField, items };
}

function failItems(items: string, fail: Fail): never {
  return fail(
    `the paged action's success body has no array at ${items} (x-iot-task-paging.items)`,
    "name the dotted path of the page's items, e.g. Data.data",
  );
}

/**
 * The wire-shape rules of one document on its own (no api.yaml needed): its parameters, and the
 * paging of its operations, which must agree. What `npm run lint` runs on every document on disk.
 */
export function checkWireShapes(doc: OpenApiDocument, fail: Fail): Paging | undefined {
  checkParameters(doc, fail);
  const item = (doc.paths?.['/'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const pagings = METHODS.filter((m) => item[m] !== undefined).map((m) => item[m]?.['x-iot-task-paging']);
  if (new Set(pagings.map((p) => JSON.stringify(p))).size > 1) {
    fail('every operation on "/" must carry the same x-iot-task-paging', 'copy x-iot-task-paging to every operation');
  }
  return pagings[0] === undefined ? undefined : checkPaging(doc, pagings[0], fail);
}
