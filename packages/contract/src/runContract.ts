import { type ActionName, createIotTaskClient, IotTaskError } from '@iot-task/client';
import { type ActionDescriptor, actions, examples } from '@iot-task/spec';
import { type AcceptedCase, acceptedCases, runAcceptedCase } from './acceptedCases.ts';
import { checkRequest } from './checkRequest.ts';
import { checkResponse } from './checkResponse.ts';
import { ANSWER_TIMEOUT_MS, type ContractRun, NoAnswerError, startRun } from './contractRun.ts';
import { checkAnswer, parseAnswer, type RawResponse, readRaw } from './expectations.ts';
import {
  type GatewayCase,
  gatewayCases,
  type OmissionCase,
  omissionCases,
  type ReplayCase,
  replayCases,
  runGatewayCase,
  runOmissionCase,
  runReplayCase,
  runThrottlingCase,
  type ThrottlingCase,
  throttlingCase,
} from './gatewayCases.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import {
  type LifecycleCase,
  type LifecycleCoverageCase,
  lifecycleCases,
  runCoverageCase,
  runLifecycleCase,
} from './lifecycle.ts';
import { type PagingCase, pagingCases, runPagingCase } from './pagingCases.ts';
import { type ParameterCase, parameterCases, runParameterCase } from './parameterCases.ts';
import { type ReachabilityCase, reachabilityCase, runReachabilityCase } from './reachabilityCase.ts';
import { type RequestIdCase, requestIdCase, runRequestIdCase } from './requestIdCase.ts';
import { requestParams, wireParams } from './requestParams.ts';
import { responseSchemaPointer, schemaProblems } from './specSchemas.ts';
import type { ContractTarget } from './targets.ts';
import { variantLabel } from './transportVariants.ts';

/**
 * Every case the kit runs: the documents' examples and exchanges, the parameter cases in every
 * transport variant, the gateway's checks, replays, throttling, and task lifecycles.
 */
export type KitCase =
  | Extract<ContractCase, { kind: 'example' | 'exchange' }>
  | ParameterCase
  | GatewayCase
  | OmissionCase
  | ReplayCase
  | ThrottlingCase
  | PagingCase
  | RequestIdCase
  | AcceptedCase
  | LifecycleCase
  | LifecycleCoverageCase
  | ReachabilityCase;

export interface CaseResult {
  id: string;
  action: string;
  kind: KitCase['kind'];
  title: string;
  outcome: 'passed' | 'failed' | 'skipped';
  /** What does not conform, one line each naming what was expected and what came back (empty when passed). */
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

/**
 * The cases a run puts the target through, in the order they run: the examples, the exchanges
 * (whose requests are replayed later), the parameter cases, the gateway's checks, the lifecycles,
 * the replays (as late as possible: a nonce must stay used), throttling (it drains the quota), and
 * last the check that every answer of the run had its own RequestId.
 */
export function casesFor(run: ContractRun): KitCase[] {
  const byKind = (kind: ContractCase['kind']) => contractCases.filter((c) => c.kind === kind);
  // A target that does not answer gets one failing case naming why, not hundreds saying the same
  // (nor the spec's own example checks, which would read as if the target had passed them).
  const [firstAction = ''] = Object.keys(actions);
  if (run.unreachable) return [reachabilityCase(firstAction)];
  const cases: KitCase[] = [
    ...(byKind('example') as KitCase[]),
    ...(byKind('exchange') as KitCase[]),
    ...parameterCases(contractCases),
  ];
  const late: KitCase[] = [];
  for (const action of Object.keys(actions)) {
    cases.push(...acceptedCases(action), ...gatewayCases(action), ...omissionCases(action), ...pagingCases(action));
    cases.push(
      ...lifecycleCases(action, {
        scenarios: run.control?.scenarios ?? [],
        taskIds: run.target.followTaskIds,
        noTaskReason: run.unreachable ?? run.controlProblem,
      }),
    );
    late.push(...replayCases(action));
  }
  const [first] = Object.keys(actions);
  return [...cases, ...late, ...Object.keys(actions).map(throttlingCase), ...(first ? [requestIdCase(first)] : [])];
}

function descriptorOf(action: string): ActionDescriptor {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  if (!descriptor) throw new Error(`the spec has no action ${action}`);
  return descriptor;
}

/** The values the target knows for parameters: its task, the task's job, its instance. */
function knownValues(target: ContractTarget): Record<string, unknown> {
  return {
    TaskId: target.taskId,
    JobId: target.jobId,
    ...(target.instanceId ? { IotInstanceId: target.instanceId } : {}),
  };
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

/**
 * Our client sends an ordinary request: the request must conform, and the answer must be the
 * success. A request that succeeded is kept, to be replayed later in the run.
 */
async function exchangeCase(c: Extract<ContractCase, { kind: 'exchange' }>, run: ContractRun): Promise<Outcome> {
  const { target } = run;
  const built = requestParams(descriptorOf(c.action), knownValues(target));
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const exchanges: { request: Request; response?: RawResponse }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const entry: (typeof exchanges)[number] = { request: request.clone() };
    exchanges.push(entry);
    const response = await run.send(request);
    entry.response = await readRaw(response.clone());
    return response;
  };
  const client = createIotTaskClient({
    endpoint: target.baseUrl,
    credentials: target.credentials,
    method: c.method,
    format: c.format,
    signatureVersion: c.signature,
    retry: false,
    quota: false,
    responseValidation: 'error',
    // The run's own bound on an answer, not the client's shorter default (the run is paced anyway).
    attemptTimeoutMs: ANSWER_TIMEOUT_MS,
    timeoutMs: ANSWER_TIMEOUT_MS + 1000,
    fetch: recording,
  });
  const problems: string[] = [];
  try {
    await client.call(c.action as ActionName, built.params as never);
  } catch (error) {
    if (!(error instanceof IotTaskError)) problems.push(`the client failed unexpectedly: ${String(error)}`);
    else if (error.kind === 'validation') problems.push(`the client refused to send the request: ${error.message}`);
    else if (error.kind === 'network' || error.kind === 'timeout') problems.push(`no answer: ${error.message}`);
  }
  const [first] = exchanges;
  if (!first) return { problems: [...problems, 'the client sent nothing'] };
  problems.push(...checkRequest(c.action, first.request, target.baseUrl).map((p) => `request ${p}`));
  if (first.response) {
    const answer = checkAnswer(c.action, c.method, first.response, { outcome: 'success' }, c.format);
    if (answer.length === 0) answer.push(...echoProblems(c.action, built.params, first.response, c.format));
    problems.push(...answer);
    if (answer.length === 0) {
      run.sent.set(
        `${c.action}/${variantLabel({ signature: c.signature, method: c.method, format: c.format })}`,
        first.request,
      );
    }
  }
  return { problems };
}

/**
 * An answer about what was asked: a parameter the request named (TaskId, JobId) that the answer's
 * `Data` names too must be the same.
 */
function echoProblems(
  action: string,
  params: Record<string, unknown>,
  raw: RawResponse,
  format: 'JSON' | 'XML',
): string[] {
  const parsed = parseAnswer(action, raw, format);
  if (!('body' in parsed)) return [];
  const data = (parsed.body as { Data?: unknown }).Data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  return Object.entries(params)
    .filter(([name, value]) => typeof value === 'string' && name in data)
    .filter(([name, value]) => (data as Record<string, unknown>)[name] !== value)
    .map(
      ([name, value]) =>
        `Data.${name}: asked for ${value}, answered about ${JSON.stringify((data as Record<string, unknown>)[name])}`,
    );
}

/** Runs one case of a run (see startRun: the cases of a run share its pacing, run ID and observations). */
export async function runCase(run: ContractRun, c: KitCase): Promise<CaseResult> {
  const started = performance.now();
  let outcome: Outcome;
  if (run.target.skipReason) outcome = { skip: run.target.skipReason };
  else {
    try {
      const params = () => {
        const built = requestParams(descriptorOf(c.action), knownValues(run.target));
        if ('cannot' in built) throw new Error(`cannot build the request: ${built.cannot}`);
        return wireParams(built.params);
      };
      switch (c.kind) {
        case 'example':
          outcome = await exampleCase(c);
          break;
        case 'exchange':
          outcome = await exchangeCase(c, run);
          break;
        case 'missing-parameter':
        case 'invalid-parameter':
        case 'unknown-value':
          outcome = await runParameterCase(c, run, descriptorOf(c.action), params());
          break;
        case 'gateway':
          outcome = await runGatewayCase(c, { run, params: params() });
          break;
        case 'omitted-part':
          outcome = await runOmissionCase(c, { run, params: params() });
          break;
        case 'replay':
          outcome = await runReplayCase(c, { run, params: params() });
          break;
        case 'throttling':
          outcome = await runThrottlingCase(c, { run, params: params() });
          break;
        case 'accepted':
          outcome = await runAcceptedCase(c, run, params());
          break;
        case 'request-ids':
          outcome = runRequestIdCase(run);
          break;
        case 'reachability':
          outcome = runReachabilityCase(run);
          break;
        case 'paging':
          outcome = await runPagingCase(c, run, descriptorOf(c.action), params());
          break;
        case 'lifecycle':
          outcome = await runLifecycleCase(c, run, params());
          break;
        case 'lifecycle-coverage':
          outcome = runCoverageCase(c, run);
          break;
      }
    } catch (error) {
      outcome = {
        problems: [
          error instanceof NoAnswerError
            ? error.message
            : `the case could not run: ${error instanceof Error ? error.message : String(error)}`,
        ],
      };
    }
  }
  const base = { id: c.id, action: c.action, kind: c.kind, title: c.title, durationMs: performance.now() - started };
  if ('skip' in outcome) return { ...base, outcome: 'skipped', problems: [], skipReason: outcome.skip };
  return { ...base, outcome: outcome.problems.length > 0 ? 'failed' : 'passed', problems: outcome.problems };
}

/**
 * Runs the contract suite against a target: every case (or those `filter` keeps), one after the
 * other, paced under the target's quota on the target's clock.
 *
 * @example
 * const report = await runContract(baseUrlTarget('http://127.0.0.1:4010'));
 * if (report.failed > 0) process.exitCode = 1;
 */
export async function runContract(
  target: ContractTarget,
  options: { filter?: (c: KitCase) => boolean; onResult?: (r: CaseResult) => void } = {},
): Promise<ContractReport> {
  const started = performance.now();
  const run = await startRun(target);
  const results: CaseResult[] = [];
  for (const c of casesFor(run).filter(options.filter ?? (() => true))) {
    const result = await runCase(run, c);
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
