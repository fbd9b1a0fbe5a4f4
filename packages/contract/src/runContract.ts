import { type ActionName, createIotTaskClient, IotTaskError } from '@iot-task/client';
import { type ActionDescriptor, actions, examples } from '@iot-task/spec';
import { checkRequest } from './checkRequest.ts';
import { checkResponse } from './checkResponse.ts';
import {
  businessError,
  checkAnswer,
  type Expectation,
  gatewayError,
  type RawResponse,
  readRaw,
} from './expectations.ts';
import { type GatewayCase, gatewayCases, gatewayChecks } from './gatewayCases.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import {
  coverageProblems,
  type LifecycleCase,
  type LifecycleCoverageCase,
  lifecycleCases,
  lifecycleShape,
  type Observed,
  pollsFor,
  scenarioEnds,
  sequenceProblems,
} from './lifecycle.ts';
import type { MockControl } from './mockControl.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { requestParams, wireParams } from './requestParams.ts';
import { responseSchemaPointer, schemaProblems } from './specSchemas.ts';
import type { ContractTarget } from './targets.ts';

/** Every kind of case the kit runs: those the spec's documents give, and the gateway and lifecycle ones. */
export type KitCase = ContractCase | GatewayCase | LifecycleCase | LifecycleCoverageCase;

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
type Send = (request: Request) => Promise<Response>;

/** What the cases of one run share: the paced sender, the run's ID, the mock control, lifecycle observations. */
export interface ContractRun {
  readonly target: ContractTarget;
  /** Every request of the run goes through here, paced under the quota on the target's clock. */
  readonly send: Send;
  /** Waits for the pacer's next slot without sending (before a burst). */
  slot(): Promise<void>;
  /** Makes this run's task IDs its own, so runs against one long-running mock never meet. */
  readonly runId: string;
  readonly control: MockControl | undefined;
  readonly observations: Map<string, { seen: Set<string>; reached: Set<string>; followed: number }>;
}

/** The spec's quota of an action, or 5 per second. */
function quotaOf(action: string): number {
  return (actions as Readonly<Record<string, ActionDescriptor>>)[action]?.quota?.requestsPerSecond ?? 5;
}

/** Starts a run: one pacer (90% of the lowest quota), one run ID, the target's mock control if any. */
export async function startRun(target: ContractTarget): Promise<ContractRun> {
  const rate = 0.9 * Math.min(...Object.keys(actions).map(quotaOf));
  const spacing = 1000 / rate;
  let next = 0;
  const slot = async () => {
    const now = target.clock.now();
    const at = Math.max(now, next);
    next = at + spacing;
    if (at > now) await target.clock.sleep(at - now);
  };
  return {
    target,
    async send(request) {
      await slot();
      return target.fetch(request);
    },
    slot,
    runId: crypto.randomUUID().slice(0, 8),
    control: target.skipReason ? undefined : await target.control(),
    observations: new Map(),
  };
}

/**
 * The cases a run puts the target through, in the order they run: the documents' cases, the
 * gateway's, the lifecycle ones (for the target's scenarios and followed tasks), throttling last.
 */
export function casesFor(run: ContractRun): KitCase[] {
  const throttling: KitCase[] = [];
  const cases: KitCase[] = [...contractCases];
  for (const action of Object.keys(actions)) {
    for (const c of gatewayCases(action)) (c.check === 'throttling' ? throttling : cases).push(c);
    cases.push(
      ...lifecycleCases(action, { scenarios: run.control?.scenarios ?? [], taskIds: run.target.followTaskIds }),
    );
  }
  return [...cases, ...throttling];
}

/** The values the target knows for parameters: its task, its instance. */
function knownValues(target: ContractTarget): Record<string, unknown> {
  return { TaskId: target.taskId, ...(target.instanceId ? { IotInstanceId: target.instanceId } : {}) };
}

function descriptorOf(action: string): ActionDescriptor {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  if (!descriptor) throw new Error(`the spec has no action ${action}`);
  return descriptor;
}

/** The wire parameters of an ordinary request, or why it cannot be built. */
function ordinaryParams(
  action: string,
  target: ContractTarget,
): { params: Record<string, string> } | { cannot: string } {
  const built = requestParams(descriptorOf(action), knownValues(target));
  return 'cannot' in built ? built : { params: wireParams(built.params) };
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

/** Our client sends an ordinary request; the request must conform and the answer must be the success. */
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
  problems.push(...checkRequest(c.action, first.request).map((p) => `request ${p}`));
  if (first.response)
    problems.push(...checkAnswer(c.action, c.method, first.response, { outcome: 'success' }, c.format));
  return { problems };
}

/** Sends one raw request through the run and checks the answer against the expectation. */
async function answerProblems(
  run: ContractRun,
  action: string,
  request: Request,
  expected: Expectation,
  format: 'JSON' | 'XML',
): Promise<string[]> {
  const response = await run.send(request);
  return checkAnswer(action, request.method, await readRaw(response), expected, format);
}

/** A raw V1 request of the run's target (what our client would refuse to send). */
function rawOf(run: ContractRun, action: string, params: Record<string, string>, format: 'JSON' | 'XML') {
  return rawRequest(run.target.baseUrl, {
    action,
    params,
    signature: 'v1',
    format,
    credentials: run.target.credentials,
    timestamp: utcSeconds(run.target.clock.now()),
  });
}

const EQUIVALENT_PARAMETER_CODES =
  'the gateway documents Missing<Name>/Invalid<Name> and also lists the generic MissingParameter/InvalidParameter';

async function missingCase(
  c: Extract<ContractCase, { kind: 'missing-parameter' }>,
  run: ContractRun,
): Promise<Outcome> {
  const built = ordinaryParams(c.action, run.target);
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const { [c.parameter]: _dropped, ...params } = built.params;
  const expected = gatewayError(`Missing${c.parameter}`, {
    also: ['MissingParameter'],
    why: EQUIVALENT_PARAMETER_CODES,
  });
  return {
    problems: await answerProblems(run, c.action, await rawOf(run, c.action, params, c.format), expected, c.format),
  };
}

async function invalidCase(
  c: Extract<ContractCase, { kind: 'invalid-parameter' }>,
  run: ContractRun,
): Promise<Outcome> {
  const built = ordinaryParams(c.action, run.target);
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const params = { ...built.params, [c.parameter]: c.value };
  const expected = gatewayError(`Invalid${c.parameter}`, {
    also: ['InvalidParameter'],
    why: EQUIVALENT_PARAMETER_CODES,
  });
  return {
    problems: await answerProblems(run, c.action, await rawOf(run, c.action, params, c.format), expected, c.format),
  };
}

/** A value of the parameter's schema that names nothing: this run's own. */
function unknownValue(action: string, parameter: string, runId: string): string | undefined {
  const schema = descriptorOf(action).parameters.find((p) => p.name === parameter)?.schema;
  return [`contract-unknown-${runId}`, `ContractUnknown${runId}`].find(
    (value) =>
      (schema?.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) &&
      (schema?.maxLength === undefined || value.length <= schema.maxLength),
  );
}

async function unknownValueCase(
  c: Extract<ContractCase, { kind: 'unknown-value' }>,
  run: ContractRun,
): Promise<Outcome> {
  const built = ordinaryParams(c.action, run.target);
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const value = unknownValue(c.action, c.parameter, run.runId);
  if (value === undefined)
    return { problems: [`cannot build a ${c.parameter} that its schema allows and names nothing`] };
  const params = { ...built.params, [c.parameter]: value };
  const expected = businessError(
    c.codes,
    c.codes.length > 1 ? 'the error-codes document names each of them' : undefined,
  );
  return {
    problems: await answerProblems(run, c.action, await rawOf(run, c.action, params, c.format), expected, c.format),
  };
}

const SIGNATURE_CHECKS = new Set([
  'tampered-signature',
  'wrong-secret',
  'unknown-access-key',
  'expired-timestamp',
  'malformed-timestamp',
  'replayed-nonce',
  'missing-signature-parameter',
]);

async function gatewayCase(c: GatewayCase, run: ContractRun): Promise<Outcome> {
  const { target } = run;
  if (SIGNATURE_CHECKS.has(c.check) && !target.verifiesSignatures)
    return { skip: 'the target does not check signatures' };
  if (c.liveUnsafe && target.kind === 'live' && !target.includeUnsafe) {
    return { skip: `unsafe against a live account: ${c.liveUnsafe}; --include-unsafe runs it` };
  }
  const built = ordinaryParams(c.action, target);
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const now = target.clock.now();
  const base = {
    action: c.action,
    params: built.params,
    signature: c.signature,
    format: c.format,
    credentials: target.credentials,
    timestamp: utcSeconds(now),
  } as const;
  const expected = gatewayChecks[c.check].expected;
  const send = (request: Request) => answerProblems(run, c.action, request, expected, c.format);
  switch (c.check) {
    case 'tampered-signature':
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, tamper: true })) };
    case 'wrong-secret': {
      const credentials = { ...target.credentials, accessKeySecret: `${target.credentials.accessKeySecret}-wrong` };
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, credentials })) };
    }
    case 'unknown-access-key': {
      const credentials = { accessKeyId: `contract-unknown-key-${run.runId}`, accessKeySecret: 'not-a-secret' };
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, credentials })) };
    }
    case 'expired-timestamp':
      return {
        problems: await send(await rawRequest(target.baseUrl, { ...base, timestamp: utcSeconds(now - 3_600_000) })),
      };
    case 'malformed-timestamp': {
      const timestamp = utcSeconds(now).replace(/Z$/, '.123Z');
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, timestamp })) };
    }
    case 'replayed-nonce': {
      const nonce = crypto.randomUUID().replaceAll('-', '');
      const first = await run.send(await rawRequest(target.baseUrl, { ...base, nonce }));
      const problems = checkAnswer(c.action, 'POST', await readRaw(first), { outcome: 'success' }, c.format).map(
        (p) => `the first request: ${p}`,
      );
      const replay = await send(await rawRequest(target.baseUrl, { ...base, nonce }));
      return { problems: [...problems, ...replay.map((p) => `the replay: ${p}`)] };
    }
    case 'missing-signature-parameter': {
      const omit = c.signature === 'v1' ? ['Signature'] : ['x-acs-signature-nonce'];
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, omit })) };
    }
    case 'unknown-action':
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, action: `${c.action}Unknown` })) };
    case 'unknown-version':
      return { problems: await send(await rawRequest(target.baseUrl, { ...base, version: '2099-01-01' })) };
    case 'throttling':
      return throttlingCase(c, run, base.params);
  }
}

/**
 * Fires three times the quota at once (after the pacer's slot): at least one answer must be
 * `Throttling.User`, and every one either that or the success. Then the case waits for the quota to
 * refill, so what follows (or the next run) is not throttled.
 */
async function throttlingCase(c: GatewayCase, run: ContractRun, params: Record<string, string>): Promise<Outcome> {
  const { target } = run;
  const rate = quotaOf(c.action);
  const burst = 3 * rate;
  await run.slot();
  const requests = await Promise.all(
    Array.from({ length: burst }, () =>
      rawRequest(target.baseUrl, {
        action: c.action,
        params,
        signature: c.signature,
        format: c.format,
        credentials: target.credentials,
        timestamp: utcSeconds(target.clock.now()),
      }),
    ),
  );
  const answers = await Promise.all(requests.map(async (request) => readRaw(await target.fetch(request))));
  // The quota is drained: wait until it has refilled, so what runs next (this run, or the next run
  // against the same long-running target) is not throttled.
  await target.clock.sleep(Math.ceil((burst / rate) * 1000) + 500);
  const problems: string[] = [];
  let throttled = 0;
  answers.forEach((raw, index) => {
    if (raw.status === 200) {
      problems.push(
        ...checkAnswer(c.action, 'POST', raw, { outcome: 'success' }, c.format).map((p) => `answer ${index + 1}: ${p}`),
      );
      return;
    }
    throttled++;
    problems.push(
      ...checkAnswer(c.action, 'POST', raw, gatewayChecks.throttling.expected, c.format).map(
        (p) => `answer ${index + 1}: ${p}`,
      ),
    );
  });
  if (throttled === 0) {
    problems.unshift(
      `expected at least one Throttling.User in a burst of ${burst} at once (quota ${rate}/s); all ${burst} succeeded`,
    );
  }
  return { problems };
}

/** Polls one task: seeded from a scenario on a mock, or named by the user. */
async function lifecycleCase(c: LifecycleCase, run: ContractRun): Promise<Outcome> {
  const { target } = run;
  const shape = lifecycleShape(c.action);
  if (!shape) return { problems: [`${c.action} has no status with terminal values`] };
  const built = ordinaryParams(c.action, target);
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  if ('none' in c.follow) return { skip: c.follow.none };
  let taskId: string;
  if ('scenario' in c.follow) {
    if (!run.control) return { skip: 'the target has no mock control surface to seed tasks' };
    taskId = `contract-${c.follow.scenario}-${run.runId}`;
    await run.control.seedTask(taskId, c.follow.scenario);
  } else {
    taskId = c.follow.taskId;
  }
  const params = { ...built.params, [shape.identity]: taskId };
  const problems: string[] = [];
  const seen: Observed[] = [];
  const polls = pollsFor(c.follow);
  for (let poll = 1; poll <= polls; poll++) {
    if (poll > 1 && 'taskId' in c.follow) await target.clock.sleep(1000);
    const request = await rawRequest(target.baseUrl, {
      action: c.action,
      params,
      signature: 'v3',
      format: 'JSON',
      credentials: target.credentials,
      timestamp: utcSeconds(target.clock.now()),
    });
    const raw = await readRaw(await run.send(request));
    const answer = checkAnswer(c.action, 'POST', raw, { outcome: 'success' }, 'JSON');
    if (answer.length > 0) {
      problems.push(...answer.map((p) => `poll ${poll}: ${p}`));
      if (raw.status !== 200) break;
    }
    try {
      const data = (JSON.parse(raw.body) as { Data?: Record<string, unknown> }).Data ?? {};
      seen.push({ status: data[shape.status], progress: shape.progress ? data[shape.progress] : undefined });
    } catch {
      break;
    }
  }
  const mustEnd = 'scenario' in c.follow && scenarioEnds(c.follow.scenario, shape);
  problems.push(...sequenceProblems(shape, seen, mustEnd));
  if ('scenario' in c.follow) {
    const observed = run.observations.get(c.action) ?? { seen: new Set(), reached: new Set(), followed: 0 };
    observed.followed++;
    for (const step of seen) if (typeof step.status === 'string') observed.seen.add(step.status);
    const terminal = seen.find((s) => typeof s.status === 'string' && shape.terminal.includes(s.status));
    if (terminal) observed.reached.add(terminal.status as string);
    run.observations.set(c.action, observed);
  }
  return { problems };
}

function coverageCase(c: LifecycleCoverageCase, run: ContractRun): Outcome {
  const shape = lifecycleShape(c.action);
  if (!shape) return { problems: [`${c.action} has no status with terminal values`] };
  const observed = run.observations.get(c.action);
  if (!observed || observed.followed === 0) return { skip: 'no scenario was followed in this run' };
  return { problems: coverageProblems(shape, observed.seen, observed.reached) };
}

/** Runs one case of a run (see startRun; a run's cases share its pacing, run ID and observations). */
export async function runCase(run: ContractRun, c: KitCase): Promise<CaseResult> {
  const started = performance.now();
  let outcome: Outcome;
  if (run.target.skipReason) outcome = { skip: run.target.skipReason };
  else {
    try {
      switch (c.kind) {
        case 'example':
          outcome = await exampleCase(c);
          break;
        case 'exchange':
          outcome = await exchangeCase(c, run);
          break;
        case 'missing-parameter':
          outcome = await missingCase(c, run);
          break;
        case 'invalid-parameter':
          outcome = await invalidCase(c, run);
          break;
        case 'unknown-value':
          outcome = await unknownValueCase(c, run);
          break;
        case 'gateway':
          outcome = await gatewayCase(c, run);
          break;
        case 'lifecycle':
          outcome = await lifecycleCase(c, run);
          break;
        case 'lifecycle-coverage':
          outcome = coverageCase(c, run);
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
 * Runs the contract suite against a target: every case (or those `filter` keeps), one after the
 * other, paced under the quota on the target's clock.
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
