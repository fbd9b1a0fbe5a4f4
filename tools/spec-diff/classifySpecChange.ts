import { compactSchema, deref } from '../codegen/compactSchema.ts';
import { HTTP_METHODS, type OpenApiDocument } from '../codegen/loadSpecSet.ts';

/** How far a change reaches users, as a semver bump. */
export type ChangeLevel = 'none' | 'patch' | 'minor' | 'major';

export interface SpecChange {
  level: Exclude<ChangeLevel, 'none'>;
  /** Where, e.g. `QueryTask GET response 200 Data.Status`. */
  where: string;
  what: string;
}

export interface SpecChangeReport {
  level: ChangeLevel;
  changes: SpecChange[];
}

const ORDER: ChangeLevel[] = ['none', 'patch', 'minor', 'major'];
export const maxLevel = (a: ChangeLevel, b: ChangeLevel): ChangeLevel => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
export const levelAtLeast = (level: ChangeLevel, required: ChangeLevel): boolean =>
  ORDER.indexOf(level) >= ORDER.indexOf(required);

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
};

type Direction = 'request' | 'response';

/**
 * Compares two schemas. Requests: anything a valid old request could now fail (a tighter
 * constraint, fewer enum values, another type) is major; a looser one minor. Responses: a
 * property removed, made optional or retyped is major, and so is any change to an enum
 * (fewer values break mocks and fixtures, more break exhaustive checks on the generated
 * union types); a new property is minor.
 */
function compareSchema(
  before: Schema | undefined,
  after: Schema | undefined,
  location: string,
  direction: Direction,
  out: SpecChange[],
  field = '',
): void {
  if (!before || !after) return;
  const where = field ? `${location} ${field}` : location;
  const child = (name: string) => (field ? `${field}.${name}` : name);
  const t = (s: Schema) => JSON.stringify(s.type ?? null);
  if (t(before) !== t(after)) {
    out.push({ level: 'major', where, what: `type ${t(before)} → ${t(after)}` });
    return;
  }
  if (JSON.stringify(before.const) !== JSON.stringify(after.const)) {
    out.push({ level: 'major', where, what: `const ${JSON.stringify(before.const)} → ${JSON.stringify(after.const)}` });
  }
  if (before.enum || after.enum) {
    const was = new Set((before.enum ?? []).map((v) => JSON.stringify(v)));
    const now = new Set((after.enum ?? []).map((v) => JSON.stringify(v)));
    const removed = [...was].filter((v) => !now.has(v));
    const added = [...now].filter((v) => !was.has(v));
    if (removed.length > 0) out.push({ level: 'major', where, what: `enum narrowed: ${removed.join(', ')} removed` });
    if (added.length > 0) {
      out.push({
        level: direction === 'request' ? 'minor' : 'major',
        where,
        what: `enum widened: ${added.join(', ')} added${direction === 'response' ? ' (exhaustive checks on the generated union break)' : ''}`,
      });
    }
  }
  for (const [keyword, tighter] of [
    ['maxLength', (a: number, b: number) => b < a],
    ['minLength', (a: number, b: number) => b > a],
    ['maximum', (a: number, b: number) => b < a],
    ['minimum', (a: number, b: number) => b > a],
    ['maxItems', (a: number, b: number) => b < a],
  ] as const) {
    const a = before[keyword] as number | undefined;
    const b = after[keyword] as number | undefined;
    if (a === b) continue;
    const tightened = a === undefined || (b !== undefined && tighter(a, b));
    out.push({
      level: direction === 'request' && tightened ? 'major' : 'minor',
      where,
      what: `${keyword} ${a ?? 'none'} → ${b ?? 'none'}`,
    });
  }
  if (before.pattern !== after.pattern) {
    out.push({
      level: direction === 'request' && after.pattern !== undefined ? 'major' : 'minor',
      where,
      what: `pattern ${before.pattern ?? 'none'} → ${after.pattern ?? 'none'}`,
    });
  }
  const branchesBefore = before.oneOf ?? before.anyOf;
  const branchesAfter = after.oneOf ?? after.anyOf;
  if (branchesBefore || branchesAfter) {
    if ((branchesBefore?.length ?? 0) !== (branchesAfter?.length ?? 0)) {
      out.push({
        level: 'major',
        where,
        what: `alternatives ${branchesBefore?.length ?? 0} → ${branchesAfter?.length ?? 0}`,
      });
    } else {
      branchesBefore?.forEach((b, i) => {
        compareSchema(b, branchesAfter?.[i], location, direction, out, `${field}[${i}]`);
      });
    }
  }
  compareSchema(before.items, after.items, location, direction, out, `${field}[]`);
  const propsBefore = before.properties ?? {};
  const propsAfter = after.properties ?? {};
  const reqBefore = new Set(before.required ?? []);
  const reqAfter = new Set(after.required ?? []);
  for (const name of Object.keys(propsBefore)) {
    const path = `${location} ${child(name)}`;
    if (!(name in propsAfter)) {
      out.push({ level: 'major', where: path, what: 'property removed (or renamed)' });
      continue;
    }
    if (reqBefore.has(name) && !reqAfter.has(name)) {
      out.push({ level: direction === 'response' ? 'major' : 'minor', where: path, what: 'no longer required' });
    }
    if (!reqBefore.has(name) && reqAfter.has(name)) {
      out.push({ level: direction === 'request' ? 'major' : 'minor', where: path, what: 'now required' });
    }
    compareSchema(propsBefore[name], propsAfter[name], location, direction, out, child(name));
  }
  for (const name of Object.keys(propsAfter)) {
    if (!(name in propsBefore)) {
      const required = reqAfter.has(name);
      out.push({
        level: direction === 'request' && required ? 'major' : 'minor',
        where: `${location} ${child(name)}`,
        what: `property added${required ? ' (required)' : ''}`,
      });
    }
  }
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
  content?: Record<string, { schema?: unknown }>;
}

function operations(doc: OpenApiDocument) {
  const item = (doc.paths['/'] ?? {}) as Record<string, unknown> & { parameters?: unknown[] };
  return new Map(
    HTTP_METHODS.filter((m) => item[m] !== undefined).map((m) => {
      const op = item[m] as { parameters?: unknown[]; responses?: Record<string, unknown>; 'x-acs-quota'?: unknown };
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) =>
        deref<Parameter>(doc, p as Parameter),
      );
      return [m.toUpperCase(), { op, params }] as const;
    }),
  );
}

function paramSchema(doc: OpenApiDocument, p: Parameter): Schema {
  const raw = p.content ? Object.values(p.content)[0]?.schema : p.schema;
  return compactSchema(doc, raw) as Schema;
}

function responseSchemas(
  doc: OpenApiDocument,
  op: { responses?: Record<string, unknown> },
): Map<string, Schema | undefined> {
  return new Map(
    Object.entries(op.responses ?? {}).map(([status, r]) => {
      const response = deref<{ content?: Record<string, { schema?: unknown }> }>(doc, r as never);
      const media = Object.values(response.content ?? {})[0];
      return [status, media?.schema ? (compactSchema(doc, media.schema) as Schema) : undefined];
    }),
  );
}

/**
 * Classifies the change from one version of the spec (action → bundled document) to another:
 * `major` when an existing user can break (removed or renamed field, narrowed enum, new
 * required parameter, tighter constraint, removed action or method), `minor` when something is
 * added, `patch` when only prose or examples changed, `none` when nothing did.
 */
export function classifySpecChange(
  before: Readonly<Record<string, OpenApiDocument>>,
  after: Readonly<Record<string, OpenApiDocument>>,
): SpecChangeReport {
  const changes: SpecChange[] = [];
  for (const action of Object.keys(before)) {
    if (!(action in after)) changes.push({ level: 'major', where: action, what: 'action removed' });
  }
  for (const [action, docAfter] of Object.entries(after)) {
    const docBefore = before[action];
    const changesBefore = changes.length;
    if (!docBefore) {
      changes.push({ level: 'minor', where: action, what: 'action added' });
      continue;
    }
    const opsBefore = operations(docBefore);
    const opsAfter = operations(docAfter);
    for (const method of opsBefore.keys()) {
      if (!opsAfter.has(method)) changes.push({ level: 'major', where: `${action} ${method}`, what: 'method removed' });
    }
    for (const [method, now] of opsAfter) {
      const was = opsBefore.get(method);
      if (!was) {
        changes.push({ level: 'minor', where: `${action} ${method}`, what: 'method added' });
        continue;
      }
      const key = (p: Parameter) => `${p.in} ${p.name}`;
      const paramsBefore = new Map(was.params.map((p) => [key(p), p]));
      const paramsAfter = new Map(now.params.map((p) => [key(p), p]));
      for (const [k, p] of paramsBefore) {
        const q = paramsAfter.get(k);
        const where = `${action} ${method} parameter ${k}`;
        if (!q) {
          changes.push({ level: 'major', where, what: 'parameter removed (or renamed)' });
          continue;
        }
        if (!p.required && q.required) changes.push({ level: 'major', where, what: 'now required' });
        if (p.required && !q.required) changes.push({ level: 'minor', where, what: 'no longer required' });
        compareSchema(paramSchema(docBefore, p), paramSchema(docAfter, q), where, 'request', changes);
      }
      for (const [k, q] of paramsAfter) {
        if (!paramsBefore.has(k)) {
          changes.push({
            level: q.required ? 'major' : 'minor',
            where: `${action} ${method} parameter ${k}`,
            what: q.required ? 'required parameter added' : 'optional parameter added',
          });
        }
      }
      const resBefore = responseSchemas(docBefore, was.op);
      const resAfter = responseSchemas(docAfter, now.op);
      for (const status of resBefore.keys()) {
        if (!resAfter.has(status))
          changes.push({ level: 'major', where: `${action} ${method} response ${status}`, what: 'status removed' });
      }
      for (const [status, schema] of resAfter) {
        if (!resBefore.has(status)) {
          changes.push({ level: 'minor', where: `${action} ${method} response ${status}`, what: 'status added' });
          continue;
        }
        compareSchema(resBefore.get(status), schema, `${action} ${method} response ${status}`, 'response', changes);
      }
      if (JSON.stringify(was.op['x-acs-quota']) !== JSON.stringify(now.op['x-acs-quota'])) {
        changes.push({ level: 'minor', where: `${action} ${method}`, what: 'x-acs-quota changed' });
      }
    }
    const codes = (doc: OpenApiDocument) =>
      new Set(((doc['x-acs-error-codes'] ?? []) as { code: string }[]).map((c) => c.code));
    const [codesBefore, codesAfter] = [codes(docBefore), codes(docAfter)];
    for (const code of codesBefore)
      if (!codesAfter.has(code))
        changes.push({ level: 'major', where: `${action} error codes`, what: `${code} removed` });
    for (const code of codesAfter)
      if (!codesBefore.has(code))
        changes.push({ level: 'minor', where: `${action} error codes`, what: `${code} added` });
    if (changes.length === changesBefore && JSON.stringify(docBefore) !== JSON.stringify(docAfter)) {
      changes.push({ level: 'patch', where: action, what: 'descriptions, examples or other prose changed' });
    }
  }
  return { level: changes.reduce<ChangeLevel>((level, c) => maxLevel(level, c.level), 'none'), changes };
}
