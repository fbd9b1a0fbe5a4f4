import { readRpcList } from '@iot-task/signing/encoding';
import { type ActionDescriptor, actions, type CompactSchema } from '@iot-task/spec';
import { documentOf, parameterSchemaPointer, schemaProblems, schemeRequirements } from './specSchemas.ts';

/** A list's wire strings typed as its schema says (integers, booleans), to judge against the schema. */
function typedItems(schema: CompactSchema, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => typedItems(schema.items ?? {}, item));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, typedItems(schema.properties?.[name] ?? {}, item)]),
    );
  if (
    typeof value === 'string' &&
    (schema.type === 'integer' || schema.type === 'number') &&
    /^-?\d+(\.\d+)?$/.test(value)
  )
    return Number(value);
  if (typeof value === 'string' && schema.type === 'boolean' && /^(true|false)$/.test(value)) return value === 'true';
  return value;
}

/**
 * The action's list parameters taken out of the query (`Name.1`… read back into one value each),
 * with what is wrong with them; JSON text parsed. What is left in `query` are plain parameters.
 */
function structuredParameters(action: string, query: Map<string, string>, problems: string[]): Set<string> {
  const present = new Set<string>();
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  for (const param of descriptor?.parameters ?? []) {
    if (param.in !== 'query') continue;
    const pointer = parameterSchemaPointer(action, 'query', param.name);
    if (!pointer) continue;
    if (param.contentType !== undefined) {
      const text = query.get(param.name);
      if (text === undefined) continue;
      query.delete(param.name);
      present.add(param.name);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        problems.push(`query ${param.name}: not JSON text (${param.contentType})`);
        continue;
      }
      for (const problem of schemaProblems(action, pointer, parsed))
        problems.push(`query ${param.name}: ${problem.replace(/^\(body\): /, '')}`);
      continue;
    }
    if (param.schema.type !== 'array') continue;
    const flat: Record<string, string> = {};
    for (const [name, value] of query) {
      if (name.startsWith(`${param.name}.`)) {
        flat[name] = value;
        query.delete(name);
      }
    }
    if (query.has(param.name))
      problems.push(`query ${param.name}: a list travels as ${param.name}.1…${param.name}.N, not as one value`);
    query.delete(param.name);
    const list = readRpcList(param.name, param.schema, flat);
    if (list === undefined) continue;
    present.add(param.name);
    if ('refused' in list) {
      problems.push(`query ${list.refused}`);
      continue;
    }
    for (const problem of schemaProblems(action, pointer, typedItems(param.schema, list.value)))
      problems.push(`query ${param.name}: ${problem.replace(/^\(body\): /, '')}`);
  }
  return present;
}

const RFC3986 = /^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/;

/**
 * Whether a request is one the spec describes, as the service would see it: a documented
 * method on `/`, query components percent-encoded per RFC 3986 (as signed), every parameter
 * declared and valid against its schema, required ones present, and the parameters the
 * signature scheme in use requires (`x-acs-required-parameters`). Returns the problems.
 */
export function checkRequest(
  action: string,
  request: { method: string; url: string; headers: Headers },
  baseUrl?: string,
): string[] {
  const problems: string[] = [];
  const url = new URL(request.url);
  const doc = documentOf(action);
  const method = request.method.toLowerCase();
  // RPC actions go to "/" of the endpoint — of a proxy's prefix, when the base URL has one.
  const root = `${baseUrl ? new URL(baseUrl).pathname.replace(/\/+$/, '') : ''}/`;
  if (url.pathname !== root) problems.push(`path ${url.pathname}: RPC actions are sent to "${root}"`);
  if (!doc.paths['/']?.[method]) problems.push(`method ${request.method}: not described for ${action}`);

  const query = new Map<string, string>();
  for (const pair of url.search.slice(1).split('&').filter(Boolean)) {
    const [rawName = '', rawValue = ''] = pair.split('=');
    for (const [part, raw] of [
      ['name', rawName],
      ['value', rawValue],
    ] as const) {
      if (!RFC3986.test(raw))
        problems.push(`query ${part} ${raw.slice(0, 40)}: not percent-encoded per RFC 3986 (space as %20, * as %2A)`);
    }
    query.set(decodeURIComponent(rawName), decodeURIComponent(rawValue));
  }
  const structured = structuredParameters(action, query, problems);
  for (const [name, value] of query) {
    if (name === 'Signature') continue;
    const pointer = parameterSchemaPointer(action, 'query', name);
    if (!pointer) {
      problems.push(`query ${name}: not a parameter of ${action}`);
      continue;
    }
    const typed = /^-?\d+$/.test(value) && schemaProblems(action, pointer, value).length > 0 ? Number(value) : value;
    for (const problem of schemaProblems(action, pointer, typed))
      problems.push(`query ${name}: ${problem.replace(/^\(body\): /, '')}`);
  }
  const item = doc.paths['/'] as { parameters?: { name?: string; in?: string; required?: boolean; $ref?: string }[] };
  for (const p of item.parameters ?? []) {
    if (p.in === 'query' && p.required && p.name && !query.has(p.name) && !structured.has(p.name))
      problems.push(`query ${p.name}: required, but missing`);
  }
  const v3 = request.headers.get('authorization');
  const scheme = v3 ? 'Acs3HmacSha256' : 'AcsRpcSignatureV1';
  if (v3 && !/^ACS3-HMAC-SHA256 Credential=[^,]+,SignedHeaders=[^,]+,Signature=[0-9a-f]{64}$/.test(v3)) {
    problems.push('header Authorization: not "ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=<64 hex>"');
  }
  if (!v3 && !query.has('Signature')) problems.push('no signature: neither Authorization (V3) nor Signature (RPC)');
  for (const required of schemeRequirements(action, scheme)) {
    const present = required.in === 'header' ? request.headers.has(required.name) : query.has(required.name);
    if (!present) problems.push(`${required.in} ${required.name}: required by the ${scheme} signature, but missing`);
    if (required.in === 'header' && present) {
      const pointer = parameterSchemaPointer(action, 'header', required.name);
      const value = request.headers.get(required.name) as string;
      if (pointer)
        for (const problem of schemaProblems(action, pointer, value))
          problems.push(`header ${required.name}: ${problem.replace(/^\(body\): /, '')}`);
    }
  }
  return problems;
}
