import { type ActionName, createIotTaskClient, IotTaskError } from '@iot-task/client';
import { type ActionDescriptor, actions, examples } from '@iot-task/spec';
import { checkRequest } from './checkRequest.ts';
import { checkResponse, type RawResponse } from './checkResponse.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import { signedRpcRequest } from './signedRpcRequest.ts';
import { responseSchemaPointer, schemaProblems } from './specSchemas.ts';
import type { ContractTarget } from './targets.ts';

export interface CaseResult {
  id: string;
  action: string;
  kind: ContractCase['kind'];
  title: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** What does not conform, one readable line each (empty when passed). */
  problems: string[];
  skipReason?: string;
  durationMs: number;
}

export interface ContractReport {
  target: string;
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

type Outcome = { problems: string[] } | { skip: string };

/** Sends of one run, paced under the quota (4 a second) unless the target has none. */
type Send = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

function pacedFetch(target: ContractTarget): Send {
  if (target.clientQuota === false) return target.fetch;
  let next = 0;
  return async (input, init) => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + 250;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    return target.fetch(input, init);
  };
}

async function raw(response: Response): Promise<RawResponse> {
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

/** The action's parameters for an ordinary request: the target's task, spec defaults for the rest. */
function exchangeParams(action: string, target: ContractTarget): Record<string, string> {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const params: Record<string, string> = {};
  for (const param of descriptor?.parameters ?? []) {
    if (param.name === 'TaskId') params.TaskId = target.taskId;
    else if (param.name === 'IotInstanceId' && target.instanceId) params.IotInstanceId = target.instanceId;
    else if (param.required && param.schema.default !== undefined) params[param.name] = String(param.schema.default);
  }
  return params;
}

function expectError(response: RawResponse, problems: string[], what: string): void {
  if (response.status === 200) {
    try {
      if ((JSON.parse(response.body) as { Success?: unknown }).Success !== false)
        problems.push(`${what}: answered with success instead of an error`);
    } catch {
      // checkResponse reports an unreadable body.
    }
  }
}

async function exampleCase(c: Extract<ContractCase, { kind: 'example' }>): Promise<Outcome> {
  const byStatus = (examples as Record<string, Record<string, Record<string, Record<string, unknown>>>>)[c.action];
  const value = byStatus?.[c.status]?.[c.mediaType]?.[c.example];
  if (value === undefined) return { problems: [`example ${c.example} is missing from the generated examples`] };
  if (c.mediaType === 'text/xml') {
    return {
      problems: checkResponse(c.action, 'GET', {
        status: Number(c.status),
        contentType: 'text/xml',
        body: String(value),
      }),
    };
  }
  const pointer = responseSchemaPointer(c.action, 'GET', c.status, c.mediaType);
  if (!pointer) return { problems: [`no schema for ${c.status} ${c.mediaType}`] };
  return { problems: schemaProblems(c.action, pointer, value) };
}

async function exchangeCase(
  c: Extract<ContractCase, { kind: 'exchange' }>,
  target: ContractTarget,
  fetch: Send,
): Promise<Outcome> {
  const exchanges: { request: Request; response?: RawResponse; error?: unknown }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const entry: (typeof exchanges)[number] = { request: request.clone() };
    exchanges.push(entry);
    try {
      const response = await fetch(request);
      entry.response = await raw(response.clone());
      return response;
    } catch (error) {
      entry.error = error;
      throw error;
    }
  };
  const client = createIotTaskClient({
    endpoint: target.baseUrl,
    credentials: target.credentials,
    method: c.method,
    format: c.format,
    signatureVersion: c.signature,
    retry: false,
    // The run's pacer keeps every request (ours and the raw negative ones) under the quota.
    quota: false,
    responseValidation: 'error',
    fetch: recording,
  });
  const problems: string[] = [];
  try {
    await client.call(c.action as ActionName, exchangeParams(c.action, target) as never);
  } catch (error) {
    if (!(error instanceof IotTaskError)) problems.push(`the client failed unexpectedly: ${String(error)}`);
    else if (error.kind === 'drift' || error.kind === 'parse')
      problems.push(`the client could not read the answer: ${error.message}`);
    else if (error.kind === 'network' || error.kind === 'timeout') problems.push(`no answer: ${error.message}`);
  }
  const [first] = exchanges;
  if (!first) return { problems: [...problems, 'the client sent nothing'] };
  problems.push(...checkRequest(c.action, first.request).map((p) => `request ${p}`));
  if (first.response)
    problems.push(...checkResponse(c.action, c.method, first.response, c.format).map((p) => `response ${p}`));
  return { problems };
}

async function send(fetch: Send, request: Request): Promise<RawResponse> {
  return raw(await fetch(request));
}

async function missingCase(
  c: Extract<ContractCase, { kind: 'missing-parameter' }>,
  target: ContractTarget,
  fetch: Send,
): Promise<Outcome> {
  const { [c.parameter]: _dropped, ...params } = exchangeParams(c.action, target);
  const response = await send(fetch, await signedRpcRequest(target, c.action, params));
  const problems = checkResponse(c.action, 'POST', response, 'JSON');
  if (response.status !== 400)
    problems.push(`status ${response.status}: a missing ${c.parameter} is a gateway error, HTTP 400`);
  const code = (() => {
    try {
      return (JSON.parse(response.body) as { Code?: string }).Code;
    } catch {
      return undefined;
    }
  })();
  if (code !== undefined && !code.startsWith('Missing')) problems.push(`Code ${code}: expected Missing${c.parameter}`);
  return { problems };
}

async function invalidCase(
  c: Extract<ContractCase, { kind: 'invalid-parameter' }>,
  target: ContractTarget,
  fetch: Send,
): Promise<Outcome> {
  const params = { ...exchangeParams(c.action, target), [c.parameter]: c.value };
  const response = await send(fetch, await signedRpcRequest(target, c.action, params));
  const problems = checkResponse(c.action, 'POST', response, 'JSON');
  expectError(response, problems, `${c.parameter} breaking ${c.constraint}`);
  return { problems };
}

async function badSignatureCase(
  c: Extract<ContractCase, { kind: 'bad-signature' }>,
  target: ContractTarget,
  fetch: Send,
): Promise<Outcome> {
  if (!target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  const response = await send(
    fetch,
    await signedRpcRequest(target, c.action, exchangeParams(c.action, target), { tamper: true }),
  );
  const problems = checkResponse(c.action, 'POST', response, 'JSON');
  if (response.status !== 400) problems.push(`status ${response.status}: a bad signature is HTTP 400`);
  if (!/"Code":"SignatureDoesNotMatch"/.test(response.body)) problems.push('Code: expected SignatureDoesNotMatch');
  return { problems };
}

/** Runs one case against a target (pass the run's `fetch` to pace several cases together). */
export async function runCase(
  target: ContractTarget,
  c: ContractCase,
  fetch: Send = pacedFetch(target),
): Promise<CaseResult> {
  const started = performance.now();
  let outcome: Outcome;
  if (target.skipReason) outcome = { skip: target.skipReason };
  else {
    try {
      switch (c.kind) {
        case 'example':
          outcome = await exampleCase(c);
          break;
        case 'exchange':
          outcome = await exchangeCase(c, target, fetch);
          break;
        case 'missing-parameter':
          outcome = await missingCase(c, target, fetch);
          break;
        case 'invalid-parameter':
          outcome = await invalidCase(c, target, fetch);
          break;
        case 'bad-signature':
          outcome = await badSignatureCase(c, target, fetch);
          break;
      }
    } catch (error) {
      outcome = { problems: [`the case could not run: ${error instanceof Error ? error.message : String(error)}`] };
    }
  }
  const base = { id: c.id, action: c.action, kind: c.kind, title: c.title, durationMs: performance.now() - started };
  if ('skip' in outcome) return { ...base, outcome: 'skipped', problems: [], skipReason: outcome.skip };
  return { ...base, outcome: outcome.problems.length > 0 ? 'failed' : 'passed', problems: outcome.problems };
}

/**
 * Runs the contract suite (every generated case, or those `filter` keeps) against a target.
 *
 * @example
 * const report = await runContract(baseUrlTarget('http://127.0.0.1:4010'));
 * if (report.failed > 0) process.exitCode = 1;
 */
export async function runContract(
  target: ContractTarget,
  options: {
    cases?: readonly ContractCase[];
    filter?: (c: ContractCase) => boolean;
    onResult?: (r: CaseResult) => void;
  } = {},
): Promise<ContractReport> {
  const started = performance.now();
  const results: CaseResult[] = [];
  const fetch = pacedFetch(target);
  for (const c of (options.cases ?? contractCases).filter(options.filter ?? (() => true))) {
    const result = await runCase(target, c, fetch);
    options.onResult?.(result);
    results.push(result);
  }
  return {
    target: target.name,
    results,
    passed: results.filter((r) => r.outcome === 'passed').length,
    failed: results.filter((r) => r.outcome === 'failed').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
    durationMs: performance.now() - started,
  };
}
