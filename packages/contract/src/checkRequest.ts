import { documentOf, parameterSchemaPointer, schemaProblems, schemeRequirements } from './specSchemas.ts';

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
    if (p.in === 'query' && p.required && p.name && !query.has(p.name))
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
