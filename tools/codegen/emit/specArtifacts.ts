import openapiTS, { astToString } from 'openapi-typescript';
import { bannerLines } from '../banner.ts';
import { compactSchema, deref } from '../compactSchema.ts';
import { type ActionDocument, type Family, HTTP_METHODS, type SpecSet, SpecSetError } from '../loadSpecSet.ts';

/** Files as `relative path → content`, relative to the target folder. */
export type FileMap = Map<string, string>;

const GENERATOR = 'tools/codegen';

/**
 * Everything `@iot-task/spec` ships, per action: the bundled document as JSON, its
 * openapi-typescript types; and for the whole set: the action manifest, the examples,
 * the documents map and the entry module.
 */
export async function emitSpecArtifacts(set: SpecSet): Promise<FileMap> {
  const files: FileMap = new Map();
  for (const { action, source, document } of set.actions) {
    files.set(
      `${action}.openapi.json`,
      `${JSON.stringify({ 'x-generated-by': `${GENERATOR} from ${source}; run npm run generate`, ...document }, null, 2)}\n`,
    );
    const ast = await openapiTS(document as never, { silent: true });
    files.set(
      `${action}.types.gen.ts`,
      `${bannerLines('openapi-typescript', source).join('\n')}\n\n${astToString(ast)}`,
    );
  }
  files.set('actions.gen.ts', emitManifest(set));
  files.set('examples.gen.ts', emitExamples(set));
  files.set('documents.gen.ts', emitDocuments(set));
  files.set('index.gen.ts', emitIndex(set));
  return files;
}

function header(set: SpecSet): string {
  return `${bannerLines(GENERATOR, set.manifests.join(', ')).join('\n')}\n`;
}

/** Stands for a reference to a family's constant inside a serialized descriptor. */
const familyRef = (family: Family) => `\u0000family:${family.id}\u0000`;

function literal(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: { examples?: unknown[] };
  content?: Record<string, { schema?: unknown; example?: unknown }>;
  example?: unknown;
  'x-acs-common-parameter'?: boolean;
  'x-acs-unknown-value-error'?: string[];
}

interface ResponseObject {
  content?: Record<string, { schema?: unknown; example?: unknown; examples?: Record<string, unknown> }>;
}

function operationsOf(doc: ActionDocument['document']) {
  const item = doc.paths['/'] as Record<string, unknown> & { parameters?: unknown[] };
  return HTTP_METHODS.filter((m) => item[m] !== undefined).map((method) => ({
    method,
    op: item[method] as {
      operationId: string;
      parameters?: unknown[];
      responses: Record<string, unknown>;
      'x-acs-quota'?: unknown;
    },
  }));
}

/** A parameter's example value, from wherever the document puts it. */
function exampleOf(param: ParameterObject, media: { example?: unknown } | undefined): { example?: unknown } {
  const example = param.example ?? media?.example ?? param.schema?.examples?.[0];
  return example === undefined ? {} : { example };
}

function describeAction({ action, document, family, operationType, paging }: ActionDocument) {
  const item = document.paths['/'] as { parameters?: unknown[] };
  const ops = operationsOf(document);
  const first = ops[0];
  if (!first) throw new Error(`${action}: no operation`);
  const all = [...(item.parameters ?? []), ...(first.op.parameters ?? [])].map((p) => {
    const param = deref<ParameterObject>(document, p as ParameterObject);
    const content = param.content ? Object.entries(param.content)[0] : undefined;
    return {
      name: param.name,
      in: param.in,
      required: param.required === true,
      common: param['x-acs-common-parameter'] === true,
      ...(content ? { contentType: content[0] } : {}),
      schema: compactSchema(document, content ? content[1].schema : param.schema),
      ...exampleOf(param, content?.[1]),
      ...(param['x-acs-unknown-value-error'] ? { unknownValueErrors: param['x-acs-unknown-value-error'] } : {}),
    };
  });
  const parameters = all.filter((p) => !p.common);
  const common = all.filter((p) => p.common);
  const responses = Object.fromEntries(
    Object.entries(first.op.responses).map(([status, r]) => {
      const response = deref<ResponseObject>(document, r as ResponseObject);
      const content = response.content ?? {};
      const [anyMedia] = Object.values(content);
      return [
        status,
        {
          contentTypes: Object.keys(content),
          schema: anyMedia?.schema ? compactSchema(document, anyMedia.schema) : null,
        },
      ];
    }),
  );
  const ok = responses['200'] as { schema: { xmlName?: string } | null } | undefined;
  const descriptor = {
    action,
    family: familyRef(family),
    operationType,
    paging: paging ?? null,
    methods: ops.map(({ method }) => method.toUpperCase()),
    operationIds: Object.fromEntries(ops.map(({ method, op }) => [method.toUpperCase(), op.operationId])),
    quota: first.op['x-acs-quota'] ?? null,
    parameters,
    responses,
    xmlRoot: ok?.schema?.xmlName ?? `${action}Response`,
  };
  return { descriptor, common };
}

/** The common (signature and protocol) parameters, which every action of a set shares. */
function collectCommonParameters(set: SpecSet): unknown[] {
  const lists = set.actions.map((doc) =>
    JSON.stringify(describeAction(doc).common.filter((p) => !['Action', 'x-acs-action'].includes(p.name))),
  );
  if (new Set(lists).size > 1) {
    throw new SpecSetError(
      set.manifests.join(', '),
      'actions disagree on their common (signature and protocol) parameters',
      'reference the same parameters from components.yaml in every document',
    );
  }
  return JSON.parse(lists[0] ?? '[]');
}

/**
 * Serializes a value as a TypeScript literal, hoisting every object literal that occurs more
 * than once (the gateway-error schema of each error status, say) into one named constant.
 */
function hoistingSerializer(prefix: string) {
  const counts = new Map<string, number>();
  const count = (value: unknown) => {
    if (value === null || typeof value !== 'object') return;
    const key = JSON.stringify(value);
    if (!Array.isArray(value) && key.length > 80) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const child of Object.values(value)) count(child);
  };
  const names = new Map<string, string>();
  const hoisted: string[] = [];
  const write = (value: unknown, indent: string): string => {
    if (value === null || typeof value !== 'object') return JSON.stringify(value);
    const key = JSON.stringify(value);
    if ((counts.get(key) ?? 0) > 1 && !names.has(key)) {
      const name = `${prefix}${names.size}`;
      names.set(key, name);
      hoisted.push(`const ${name} = ${writeLiteral(value, '')} as const;`);
    }
    const name = names.get(key);
    return name ?? writeLiteral(value, indent);
  };
  const writeLiteral = (value: object, indent: string): string => {
    const inner = `${indent}  `;
    if (Array.isArray(value)) {
      if (value.length === 0) return '[]';
      return `[\n${value.map((v) => `${inner}${write(v, inner)}`).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
  };
  return { count, write: (value: unknown) => write(value, ''), hoisted };
}

/** Enumerations declared as component schemas, shared by the set, e.g. `TaskStatus`. */
function collectEnums(set: SpecSet): Map<string, { values: unknown[]; terminal?: unknown[] }> {
  const enums = new Map<string, { values: unknown[]; terminal?: unknown[] }>();
  for (const { action, document } of set.actions) {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      const s = schema as { enum?: unknown[]; 'x-acs-terminal-values'?: unknown[] };
      if (!Array.isArray(s.enum)) continue;
      const entry = { values: s.enum, ...(s['x-acs-terminal-values'] ? { terminal: s['x-acs-terminal-values'] } : {}) };
      const known = enums.get(name);
      if (known && JSON.stringify(known) !== JSON.stringify(entry)) {
        throw new SpecSetError(
          action,
          `enum ${name} differs from the one of the same name in another action`,
          'share one definition (components.yaml) or rename one of them',
        );
      }
      enums.set(name, entry);
    }
  }
  return enums;
}

/** Every documented error code of every action, once; a code documented twice must agree. */
function collectErrorCodes(set: SpecSet): { code: string; retryable: boolean }[] {
  const byCode = new Map<string, { entry: { code: string; retryable: boolean }; source: string }>();
  for (const { source, document } of set.actions) {
    for (const entry of (document['x-acs-error-codes'] ?? []) as { code: string; retryable: boolean }[]) {
      const known = byCode.get(entry.code);
      if (known && JSON.stringify(known.entry) !== JSON.stringify(entry)) {
        throw new SpecSetError(
          source,
          `error code ${entry.code} is documented differently in ${known.source}`,
          'give the code one entry (status, layer, retryable) in every x-acs-error-codes',
        );
      }
      if (!known) byCode.set(entry.code, { entry, source });
    }
  }
  return [...byCode.values()].map((v) => v.entry);
}

const MANIFEST_TYPES = `/** A JSON Schema reduced to the keywords runtime code uses (no prose). */
export interface CompactSchema {
  readonly type?: string | readonly string[];
  readonly properties?: { readonly [name: string]: CompactSchema };
  readonly required?: readonly string[];
  readonly items?: CompactSchema;
  readonly oneOf?: readonly CompactSchema[];
  readonly anyOf?: readonly CompactSchema[];
  readonly allOf?: readonly CompactSchema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly pattern?: string;
  readonly default?: unknown;
  /** A string that holds a document of this media type (application/json: JSON text). */
  readonly contentMediaType?: string;
  readonly additionalProperties?: boolean | CompactSchema;
  readonly xmlName?: string;
  readonly 'x-iot-task-decode'?: 'number';
  readonly 'x-acs-terminal-values'?: readonly string[];
  /** Which fields of an object carry a lifecycle (status, progress, time of change, time queued, fixed ones). */
  readonly 'x-iot-task-lifecycle'?: {
    readonly status: string;
    readonly progress?: string;
    readonly modified?: string;
    readonly queued?: string;
    /** Fields that never change for one thing (a task's job and device). */
    readonly fixed?: readonly string[];
  };
}

/**
 * One request parameter of an action, as it travels on the wire, in one of three shapes:
 * - a value (\`TaskId=…\`): a scalar \`schema\`;
 * - a list (\`schema.type\` \`'array'\`, with \`items\`, \`maxItems\` and maybe \`minItems\`): one query
 *   parameter per item, numbered from 1 (\`DeviceName.1=…&DeviceName.2=…\`), and for a list of
 *   objects one per field (\`DeviceNicknameInfo.1.Nickname=…\`), as the official SDK's
 *   \`OpenApiUtil.query\` flattens them;
 * - an object as JSON text (\`contentType\` \`'application/json'\`): one query parameter whose value is
 *   \`JSON.stringify(value)\`; \`schema\` is the object's (properties, required, additionalProperties, …).
 */
export interface ParameterDescriptor {
  readonly name: string;
  readonly in: 'query' | 'header';
  readonly required: boolean;
  /** A signature or protocol parameter shared by every action (\`Version\`, \`x-acs-date\`, …); see commonParameters. */
  readonly common: boolean;
  /** Set when the value travels as a document: JSON text, the only kind an RPC action takes. */
  readonly contentType?: 'application/json';
  readonly schema: CompactSchema;
  /** The spec's example value (the parameter's \`example\`, else its schema's first \`examples\` entry). */
  readonly example?: unknown;
  /**
   * Business error codes answered when the value names nothing that exists
   * (\`x-acs-unknown-value-error\`); the first is the one the mock sends, the others are equivalent.
   */
  readonly unknownValueErrors?: readonly string[];
}

/** An API family: one product's API version, where its endpoints are and how it is signed. */
export interface FamilyDescriptor {
  /** Product and version, e.g. \`Iot20180120\`. */
  readonly id: string;
  readonly product: string;
  /** The API version every action of the family sends (\`Version\`, \`x-acs-version\`). */
  readonly version: string;
  readonly endpoints: {
    /** Host of a regional endpoint, with \`{regionId}\`. */
    readonly regional: string;
    readonly regionalRegions: readonly string[];
    /** Host that \`globalRegions\` use instead, if any. */
    readonly global?: string;
    readonly globalRegions: readonly string[];
  };
  /** Signature versions the family accepts, the default first. */
  readonly signatureVersions: readonly ('v3' | 'v1')[];
}

/**
 * How a paged action hands out its pages (\`x-iot-task-paging\`), by \`kind\`: by token (each answer's
 * token field asks for the next page) or by page number (page 1, 2, … while page × size < total).
 */
export type PagingDescriptor =
  | {
      readonly kind: 'token';
      /** The query parameter that asks for a page. */
      readonly tokenParameter: string;
      /** The field of the success body with the next page's token, absent on the last page. */
      readonly tokenField: string;
      /** Dotted path of the page's items in the success body. */
      readonly items: string;
    }
  | {
      readonly kind: 'page-number';
      /** The integer query parameter that asks for a page by its number; the first page is 1. */
      readonly pageParameter: string;
      /** The integer query parameter that sets the page size (required, or with a schema default). */
      readonly sizeParameter: string;
      /** The integer field of the success body (always present) with the number of items of all pages. */
      readonly totalField: string;
      /** Dotted path of the page's items in the success body. */
      readonly items: string;
    };

/** Everything generated code knows about one RPC action. */
export interface ActionDescriptor {
  readonly action: string;
  readonly family: FamilyDescriptor;
  /** \`read\` for an action that changes nothing (\`x-acs-operation-type\`). */
  readonly operationType: 'read' | 'write';
  /** Set for a paged action. */
  readonly paging: PagingDescriptor | null;
  readonly methods: readonly ('GET' | 'POST')[];
  readonly operationIds: { readonly [method: string]: string };
  readonly quota: { readonly requestsPerSecond: number; readonly scope: string } | null;
  /** The action's own parameters (\`TaskId\`, …); the shared ones are in commonParameters. */
  readonly parameters: readonly ParameterDescriptor[];
  readonly responses: {
    readonly [status: string]: { readonly contentTypes: readonly string[]; readonly schema: CompactSchema | null };
  };
  /** Root element of the XML success body. */
  readonly xmlRoot: string;
}

/** One documented (or, with \`assumed\`, chosen) error code. */
export interface ErrorCodeDescriptor {
  readonly code: string;
  readonly layer: 'gateway' | 'business';
  readonly httpStatus?: number;
  readonly retryable: boolean;
  readonly assumed?: boolean;
  readonly message: string;
}
`;

function emitManifest(set: SpecSet): string {
  const parts = [header(set), MANIFEST_TYPES];
  for (const family of set.families) {
    const { manifest: _, ...data } = family;
    parts.push(
      `/** ${family.product} API version ${family.version}, from ${family.manifest}. */\nexport const ${family.id} = ${literal(data)} as const satisfies FamilyDescriptor;\n`,
    );
  }
  parts.push(
    `/** Every API family, by id. */\nexport const families = {\n${set.families.map((f) => `  ${f.id},`).join('\n')}\n} as const;\n`,
  );
  const descriptors = set.actions.map((doc) => ({ doc, descriptor: describeAction(doc).descriptor }));
  const serializer = hoistingSerializer('shared');
  for (const { descriptor } of descriptors) serializer.count(descriptor);
  const withFamilies = (code: string) =>
    code.replace(/"\\u0000family:([A-Za-z0-9]+)\\u0000"/g, (_match, id: string) => id);
  const body = descriptors.map(
    ({ doc, descriptor }) =>
      `/** The \`${doc.action}\` action, from ${doc.source}. */\nexport const ${doc.action} = ${withFamilies(serializer.write(descriptor))} as const satisfies ActionDescriptor;\n`,
  );
  parts.push(...serializer.hoisted.map((line) => `${line}\n`), ...body);
  parts.push(
    `/** Every action of every family, by name. */\nexport const actions = {\n${set.actions.map((a) => `  ${a.action},`).join('\n')}\n} as const;\n`,
  );
  parts.push('/** Name of an action. */\nexport type ActionName = keyof typeof actions;\n');
  parts.push(
    `/** Signature and protocol parameters every action takes (besides \`Action\`/\`x-acs-action\`). */\nexport const commonParameters = ${literal(collectCommonParameters(set))} as const satisfies readonly ParameterDescriptor[];\n`,
  );
  const codes = collectErrorCodes(set);
  parts.push(
    `/** Error codes the actions can answer with (x-acs-error-codes). */\nexport const errorCodes = ${literal(codes)} as const satisfies readonly ErrorCodeDescriptor[];\n`,
  );
  parts.push(
    `/** The codes of errorCodes that are worth retrying, on their own so clients need not ship the rest. */\nexport const retryableErrorCodes = ${literal(codes.filter((c) => c.retryable).map((c) => c.code))} as const;\n`,
  );
  for (const [name, { values, terminal }] of collectEnums(set)) {
    parts.push(
      `/** Values of the \`${name}\` enumeration. */\nexport const ${name}Values = ${literal(values)} as const;\n`,
    );
    if (terminal) {
      parts.push(
        `/** Values of \`${name}\` after which nothing changes any more (x-acs-terminal-values). */\nexport const ${name}TerminalValues = ${literal(terminal)} as const;\n`,
      );
    }
  }
  return parts.join('\n');
}

function emitExamples(set: SpecSet): string {
  const parts = [header(set)];
  for (const { action, document } of set.actions) {
    const [first] = operationsOf(document);
    const byStatus: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [status, r] of Object.entries(first?.op.responses ?? {})) {
      const response = deref<ResponseObject>(document, r as ResponseObject);
      for (const [mediaType, media] of Object.entries(response.content ?? {})) {
        const named: Record<string, unknown> = {};
        if (media.example !== undefined) named.default = media.example;
        for (const [name, ex] of Object.entries(media.examples ?? {})) {
          named[name] = deref<{ value: unknown }>(document, ex as { value: unknown }).value;
        }
        if (Object.keys(named).length === 0) continue;
        byStatus[status] ??= {};
        byStatus[status][mediaType] = named;
      }
    }
    parts.push(
      `/** Examples of \`${action}\` responses, by HTTP status, media type and example name. */\nexport const ${action}Examples = ${literal(byStatus)} as const;\n`,
    );
  }
  parts.push(
    `/** Every action's response examples, by action name. */\nexport const examples = {\n${set.actions.map((a) => `  ${a.action}: ${a.action}Examples,`).join('\n')}\n} as const;\n`,
  );
  return parts.join('\n');
}

function emitDocuments(set: SpecSet): string {
  const imports = set.actions.map(
    (a) => `import ${a.action}Document from './${a.action}.openapi.json' with { type: 'json' };`,
  );
  return `${header(set)}
${imports.join('\n')}

/** The bundled OpenAPI 3.1 document of every action, by action name. */
export const documents = {
${set.actions.map((a) => `  ${a.action}: ${a.action}Document,`).join('\n')}
} as const;
`;
}

function emitIndex(set: SpecSet): string {
  return `${header(set)}
export {
  actions,
  commonParameters,
  errorCodes,
  families,
  retryableErrorCodes,
${set.families.map((f) => `  ${f.id},`).join('\n')}
${set.actions.map((a) => `  ${a.action},`).join('\n')}
${[...collectEnums(set)]
  .flatMap(([name, e]) => [`  ${name}Values,`, ...(e.terminal ? [`  ${name}TerminalValues,`] : [])])
  .join('\n')}
} from './actions.gen.js';
export type {
  ActionDescriptor,
  ActionName,
  CompactSchema,
  ErrorCodeDescriptor,
  FamilyDescriptor,
  PagingDescriptor,
  ParameterDescriptor,
} from './actions.gen.js';
export {
  examples,
${set.actions.map((a) => `  ${a.action}Examples,`).join('\n')}
} from './examples.gen.js';
${set.actions.map((a) => `export type * as ${a.action}Types from './${a.action}.types.gen.js';`).join('\n')}
`;
}
