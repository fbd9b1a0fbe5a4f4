import { type ActionDescriptor, actions as specActions, examples as specExamples } from '@iot-task/spec';
import { type HttpHandler, HttpResponse, http } from 'msw';
import { exampleAnswer } from './behaviours/exampleAnswer.ts';
import { actionBehaviours } from './behaviours/index.ts';
import { PageTokens } from './behaviours/pageTokens.ts';
import { checkAccountsOption, checkLogLimit, checkQuotaOption, IotMockOptionError } from './checkMockOptions.ts';
import { checkCommonParams, checkWireParams } from './checkWireParams.ts';
import { type Fault, FaultQueue, type FaultRule, FaultSyntaxError, parseFault, renderFault } from './faults.ts';
import { fetchFromHandlers } from './fetchFromHandlers.ts';
import { type GatewayChecks, gatewayChecks } from './gatewayChecks.ts';
import { NonceCache } from './nonceCache.ts';
import { type QuotaCounter, type QuotaCounting, quotaCounter } from './quotaCounter.ts';
import { readRpcRequest } from './readRpcRequest.ts';
import { businessError, gatewayError, newRequestId, rpcResponse } from './respond.ts';
import { type ExamplesByAction, successExample } from './successExample.ts';
import { type Advance, type SeedTask, TaskSeedError, TaskStore } from './taskStore.ts';
import { verifySignature } from './verifySignature.ts';

/** The AccessKey the mock accepts unless told otherwise. Not a secret: a test fixture. */
export const TEST_CREDENTIALS = { accessKeyId: 'iot-task-test-key', accessKeySecret: 'iot-task-test-secret' } as const;

export interface IotMockOptions {
  /** Answer only requests to this origin; any origin by default. */
  baseUrl?: string;
  /** Check signatures (V3 and RPC HMAC-SHA1), access keys, timestamps and nonces as the gateway does. @default false */
  verifySignatures?: boolean;
  /**
   * Switch single gateway checks on or off, after `verifySignatures` and `quota` set them — to
   * mock a gateway that is broken in one way, or to let a test send what the gateway refuses. A
   * function decides per request, given the mock's clock (a gateway broken only for GET, say).
   */
  checks?: Partial<GatewayChecks> | ((request: Request, now: number) => Partial<GatewayChecks>);
  /** AccessKey ID → secret. @default TEST_CREDENTIALS */
  credentials?: Readonly<Record<string, string>>;
  /**
   * Refuse requests over each API's quota with `Throttling.User`, per account (see `accounts`);
   * `false` turns it off. `counting` `'sliding-window'` never lets more than `requestsPerSecond`
   * arrive within any 1000 ms; `'token-bucket'` refills at `requestsPerSecond` with `burst`
   * saved up (laxer: up to twice the rate in one sliding second). Refused requests count for
   * nothing. @default each API's quota from the spec (5 a second), counting 'sliding-window'
   */
  quota?: { requestsPerSecond?: number; burst?: number; counting?: QuotaCounting } | false;
  /**
   * AccessKey ID → the account it belongs to: the AccessKeys of one account share its quota, as
   * the RAM users of an Alibaba Cloud account do. An AccessKey not listed is its own account.
   * With `verifySignatures`, every AccessKey listed must be one of `credentials`.
   * @example { 'AK-ci': 'acme', 'AK-dev': 'acme' }
   */
  accounts?: Readonly<Record<string, string>>;
  /** How many entries `log` keeps (the last ones), from 1 to 1,000,000. @default 10000 */
  logLimit?: number;
  /** How tasks move along their scenario. @default 'per-query' */
  advance?: Advance;
  /** The clock (lifecycles over time, timestamp checks); pass a fake one for fake time. @default Date.now */
  now?: () => number;
  /** Tasks present after every reset. @default the seed's example task, scenario 'succeeds' */
  seeds?: SeedTask[];
  /** Instance IDs that exist besides those of seeded tasks. */
  instances?: string[];
  /** Serve the control surface under `/__mock/` (tasks, faults, log, reset). @default false */
  control?: boolean;
  /**
   * Host names the control surface answers besides loopback ones (`localhost`, 127.0.0.0/8,
   * `[::1]`) and the host of the request's own URL, whatever the port. A request under `/__mock/`
   * whose `Host` header names another is refused (403), so a page whose name was rebound to this
   * machine's address (DNS rebinding) cannot read or change the mock; the API itself (`/`)
   * answers any Host. @example ['mock.internal']
   */
  allowedHosts?: readonly string[];
  /**
   * The actions served and their examples. @default `@iot-task/spec`'s — another set generated
   * from a spec (a fixture, another team's) serves its actions the same way.
   */
  spec?: { actions: Readonly<Record<string, ActionDescriptor>>; examples?: ExamplesByAction };
}

export interface MockLogEntry {
  /**
   * When the request arrived, on the mock's clock (ms): the time its quota was counted at. A
   * `latency` fault holds a request on its way in, so its `at` is when the wait ended.
   */
  at: number;
  action: string | undefined;
  /** The TaskId asked about, if any. */
  taskId: string | undefined;
  /** 0 for a dropped connection. */
  httpStatus: number;
  /** The error code or fault kind answered, if any. */
  code: string | undefined;
  /**
   * The account whose quota the request met: counted against it, or refused by it
   * (`code` `Throttling.User`). Undefined when it was answered before the quota (a fault, a
   * refused signature or common parameter) or the quota was off.
   */
  account: string | undefined;
}

export interface IotMock {
  /** Give these to `setupServer`, `setupWorker` or the mock server. */
  readonly handlers: HttpHandler[];
  /** A `fetch` answered by `handlers` in-process, for tests on a fake clock (see fetchFromHandlers). */
  readonly fetch: typeof fetch;
  readonly tasks: TaskStore;
  readonly faults: FaultQueue;
  /** What the mock answered, oldest first (the last `logLimit`, 10,000 by default). */
  readonly log: readonly MockLogEntry[];
  /** How many entries `log` keeps. */
  readonly logLimit: number;
  /** Entries dropped from the front of `log` since the last reset, to keep it at `logLimit`. */
  readonly logDropped: number;
  /** Nonces held for replay detection (bounded: 100,000 and 15 minutes). */
  readonly nonceCount: number;
  /** The mock's clock (the `now` option): what lifecycles and timestamp checks go by. */
  now(): number;
  /** Tasks back to their seeds, faults, quota and nonces cleared. */
  reset(): void;
  /** Ends whatever is still waiting (a `latency` fault), as dropped connections: call it when shutting down. */
  dispose(): void;
}

const LOG_LIMIT = 10_000;

/**
 * A stateful stand-in for IoT Platform's job actions: tasks that move through their lifecycle
 * (QueryTask), lists and jobs that agree with them (ListTask, QueryJob, when the spec has them),
 * spec examples for any other action, the gateway's checks (signature, timestamp, nonce,
 * version, each API's quota, parameters), both wire formats, and faults on demand — as MSW
 * handlers, for Node tests, the browser and the server.
 *
 * @example
 * const mock = createIotMock();
 * mock.tasks.seed({ TaskId: 'T1', scenario: 'fails' });
 * mock.faults.add('gateway:Throttling.User');
 * const server = setupServer(...mock.handlers);
 */
export function createIotMock(options: IotMockOptions = {}): IotMock {
  const baseUrl = options.baseUrl ?? '*';
  const actions: Readonly<Record<string, ActionDescriptor>> = options.spec?.actions ?? specActions;
  const examples = options.spec?.examples ?? (specExamples as unknown as ExamplesByAction);
  const now = options.now ?? Date.now;
  const credentials = options.credentials ?? { [TEST_CREDENTIALS.accessKeyId]: TEST_CREDENTIALS.accessKeySecret };
  const quotaOption = checkQuotaOption(options.quota);
  const accounts = checkAccountsOption(options.accounts, credentials, options.verifySignatures ?? false);
  const logLimit = checkLogLimit(options.logLimit, LOG_LIMIT);
  const allowedHosts = checkAllowedHosts(options.allowedHosts);
  const tasks = new TaskStore({
    ...(options.advance ? { advance: options.advance } : {}),
    now,
    ...(options.seeds ? { seeds: options.seeds } : {}),
    ...(options.instances ? { instances: options.instances } : {}),
  });
  const faults = new FaultQueue();
  const disposed = new AbortController();
  const nonces = new NonceCache();
  const checksFor = (request: Request): GatewayChecks =>
    gatewayChecks(
      options.verifySignatures ?? false,
      quotaOption !== false,
      typeof options.checks === 'function' ? options.checks(request, now()) : options.checks,
    );
  // The quota is per account and API: one counter per action, at the action's rate, keyed by account.
  const quotas = new Map<string, QuotaCounter>();
  const quotaOf = (descriptor: ActionDescriptor): QuotaCounter | undefined => {
    if (quotaOption === false) return undefined;
    let counter = quotas.get(descriptor.action);
    if (!counter) {
      const rate = quotaOption.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? 5;
      counter = quotaCounter(quotaOption.counting, rate, quotaOption.burst);
      quotas.set(descriptor.action, counter);
    }
    return counter;
  };
  const accountOf = (accessKeyId: string): string => accounts.get(accessKeyId) ?? accessKeyId;
  const pages = new PageTokens();
  const behaviours = actionBehaviours(pages);
  const log: MockLogEntry[] = [];
  let logDropped = 0;
  const record = (entry: Omit<MockLogEntry, 'httpStatus'>, response: Response): Response => {
    const { at, action, taskId, code, account } = entry;
    log.push({ at, action, taskId, httpStatus: response.type === 'error' ? 0 : response.status, code, account });
    if (log.length > logLimit) {
      log.shift();
      logDropped += 1;
    }
    return response;
  };

  const service = http.all(`${baseUrl}/`, async ({ request }) => {
    // The arrival time: what the quota counts and the log records, whatever is awaited after.
    let at = now();
    // The account whose quota the request met, once it has.
    let account: string | undefined;
    const checks = checksFor(request);
    const verifying =
      checks.signature ||
      checks.signedHeaders ||
      checks.bodyHash ||
      checks.accessKey ||
      checks.timestamp ||
      checks.nonce;
    const rpc = await readRpcRequest(request);
    const action = rpc.action;
    if (action === undefined && rpc.signatureVersion === 'none') return undefined;
    const format = rpc.format;
    const descriptor = action === undefined || !Object.hasOwn(actions, action) ? undefined : actions[action];
    const xmlRoot = descriptor?.xmlRoot ?? `${action}Response`;
    const answer = (response: Response, code?: string) =>
      record({ at, action, taskId: rpc.params.TaskId, code, account }, response);
    const gateway = (code: string, extra: { status?: number; message?: string } = {}) =>
      answer(gatewayError(code, { format, ...extra }), code);

    let fault: Fault | undefined;
    const requested = request.headers.get('x-iot-mock-fault');
    try {
      fault = requested ? parseFault(requested) : faults.take(action, rpc.params.TaskId);
    } catch (error) {
      return gateway('InvalidParameter', { message: `x-iot-mock-fault: ${(error as Error).message}` });
    }
    if (fault) {
      const faulted = await renderFault(fault, format, xmlRoot, disposed.signal);
      if (faulted) return answer(faulted, 'code' in fault ? fault.code : fault.kind);
      // A latency fault held the request on its way in: it reaches the gateway's checks now.
      at = now();
    }

    let accessKeyId =
      rpc.params.AccessKeyId ??
      /Credential=([^,]+)/.exec(request.headers.get('authorization') ?? '')?.[1] ??
      'anonymous';
    // Malformed common parameters are refused first: an invalid nonce is never recorded as used.
    if (checks.parameters) {
      const invalid = checkCommonParams(rpc.params, request.headers);
      if (invalid) return gateway(invalid.code, { status: 400, message: invalid.message });
    }
    if (verifying) {
      const verified = await verifySignature(request, rpc, { credentials, nonces, now: now(), checks });
      if ('failure' in verified)
        return gateway(verified.failure.code, verified.failure.message ? { message: verified.failure.message } : {});
      accessKeyId = verified.accessKeyId;
    }
    if (action === undefined) return gateway('MissingAction', { message: 'Action is mandatory for this action.' });
    if (!descriptor) {
      if (checks.api) return gateway('InvalidApi.NotFound');
      // With the API check off, an unknown action is answered as if it were the first one.
    }
    const served = descriptor ?? (Object.values(actions)[0] as ActionDescriptor);
    if (
      checks.api &&
      (rpc.version !== served.family.version || !served.methods.includes(rpc.method as 'GET' | 'POST'))
    ) {
      return gateway('InvalidApi.NotFound');
    }
    const quota = quotaOf(served);
    if (quota && checks.quota) {
      account = accountOf(accessKeyId);
      if (!quota.tryTake(account, at)) return gateway('Throttling.User');
    }
    if (checks.parameters) {
      const invalid = checkWireParams(served, rpc.params);
      if (invalid) return gateway(invalid.code, { status: 400, message: invalid.message });
    }

    // An action without a state model answers its example, inside the world its examples show.
    const behaviour = behaviours[served.action] ?? exampleAnswer;
    const example = successExample(served.action, examples);
    const outcome = behaviour({ descriptor: served, params: rpc.params, tasks, now: now(), example });
    if ('gateway' in outcome) return gateway(outcome.gateway, outcome.message ? { message: outcome.message } : {});
    if ('business' in outcome) {
      const message = outcome.message ? { message: outcome.message } : {};
      return answer(businessError(outcome.business, { format, xmlRoot, ...message }), outcome.business);
    }
    return answer(rpcResponse({ RequestId: newRequestId(), Success: true, ...outcome.body }, { format, xmlRoot }));
  });

  const control = [
    http.all(`${baseUrl}/__mock/*`, ({ request }) => refusedControlRequest(request, allowedHosts)),
    http.get(`${baseUrl}/__mock/tasks`, () => HttpResponse.json(tasks.steps())),
    http.get(`${baseUrl}/__mock/log`, () =>
      HttpResponse.json({
        limit: logLimit,
        dropped: logDropped,
        entries: log.map((e) => ({
          at: e.at,
          account: e.account ?? null,
          action: e.action ?? null,
          taskId: e.taskId ?? null,
          httpStatus: e.httpStatus,
          code: e.code ?? null,
        })),
      }),
    ),
    http.post(`${baseUrl}/__mock/tasks`, async ({ request }) => {
      try {
        tasks.seed((await objectBody(request, '{ "TaskId": …, "scenario"?: … }')) as unknown as SeedTask);
        return HttpResponse.json({ ok: true }, { status: 201 });
      } catch (error) {
        return controlError(error);
      }
    }),
    http.post(`${baseUrl}/__mock/faults`, async ({ request }) => {
      try {
        const { fault, rule } = faultBody(await objectBody(request, '{ "fault": …, "times"?: … }'));
        faults.add(fault, rule);
        return HttpResponse.json({ ok: true }, { status: 201 });
      } catch (error) {
        return controlError(error);
      }
    }),
    http.post(`${baseUrl}/__mock/reset`, () => {
      mock.reset();
      return new HttpResponse(null, { status: 204 });
    }),
  ];

  const handlers = options.control ? [...control, service] : [service];
  const mock: IotMock = {
    handlers,
    fetch: fetchFromHandlers(handlers),
    tasks,
    faults,
    log,
    logLimit,
    get logDropped() {
      return logDropped;
    },
    get nonceCount() {
      return nonces.size;
    },
    now,
    dispose() {
      disposed.abort();
    },
    reset() {
      tasks.reset();
      faults.clear();
      nonces.clear();
      quotas.clear();
      pages.clear();
      log.length = 0;
      logDropped = 0;
    },
  };
  return mock;
}

/**
 * The host name a `Host` header (or an `allowedHosts` entry) names, port aside, as a URL spells it
 * (`127.1` → `127.0.0.1`, `LOCALHOST` → `localhost`); undefined when it names none.
 */
function hostnameOf(host: string): string | undefined {
  if (!/^(?:\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::\d{0,5})?$/i.test(host)) return undefined;
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/** `localhost`, 127.0.0.0/8 (also IPv4-mapped) and `[::1]`: names no DNS answer can point elsewhere. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname) ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(hostname)
  );
}

function checkAllowedHosts(hosts: unknown): ReadonlySet<string> {
  if (hosts === undefined) return new Set();
  if (!Array.isArray(hosts)) throw new IotMockOptionError('allowedHosts', 'an array of host names', typeof hosts);
  return new Set(
    hosts.map((host, i) => {
      const hostname = typeof host === 'string' ? hostnameOf(host) : undefined;
      if (hostname === undefined)
        throw new IotMockOptionError(`allowedHosts[${i}]`, 'a host name or address', JSON.stringify(host));
      return hostname;
    }),
  );
}

/**
 * The control surface changes the mock for everyone using it, so it refuses what a web page the
 * developer happens to open could send: a request for a `Host` that is neither loopback, nor the
 * mock's own, nor allowed (a page of a name rebound to 127.0.0.1 — DNS rebinding — is same-origin
 * with the mock for its browser); a request from another origin (a cross-site POST), told by
 * `Origin` or, when a browser sends no `Origin` (a GET), by `Sec-Fetch-Site`; and any POST — with
 * a body or without (`/__mock/reset`) — not labelled `application/json`: a page can send such a
 * "simple" request with no preflight, while a JSON one needs the preflight this mock never grants.
 * Tools (curl, fetch in Node) send neither `Origin` nor `Sec-Fetch-*`, and pass. Undefined lets
 * the request on.
 */
function refusedControlRequest(request: Request, allowedHosts: ReadonlySet<string>): Response | undefined {
  const url = new URL(request.url);
  const host = request.headers.get('host');
  if (host !== null) {
    const hostname = hostnameOf(host);
    if (hostname === undefined || !(isLoopback(hostname) || hostname === url.hostname || allowedHosts.has(hostname))) {
      return HttpResponse.json(
        {
          error: `requests to /__mock/ for Host ${JSON.stringify(host)} are refused: expected a loopback host (localhost, 127.0.0.0/8, [::1]), the mock's own or an allowed one (allowedHosts; iot-task-mock --allow-host <name>)`,
        },
        { status: 403 },
      );
    }
  }
  const origin = request.headers.get('origin');
  // Same-origin is the server's own origin, or the one the (checked) Host names.
  if (origin !== null && origin !== url.origin && !(host !== null && origin === `${url.protocol}//${host}`)) {
    return HttpResponse.json(
      { error: `cross-origin requests to /__mock/ are refused (Origin ${origin})` },
      { status: 403 },
    );
  }
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    return HttpResponse.json(
      { error: `cross-origin requests to /__mock/ are refused (Sec-Fetch-Site ${site})` },
      { status: 403 },
    );
  }
  if (request.method === 'POST') {
    const type = request.headers.get('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      return HttpResponse.json(
        { error: `expected content-type application/json on a control POST, received ${type || 'none'}` },
        { status: 415 },
      );
    }
  }
  return undefined;
}

/** A control body that is valid JSON but not what its endpoint takes: answered 400, naming what was expected. */
class ControlBodyError extends Error {
  override name = 'ControlBodyError';
}

const shownKind = (value: unknown): string =>
  value === undefined
    ? 'nothing'
    : value === null
      ? 'null'
      : Array.isArray(value)
        ? 'an array'
        : `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;

/** The body as a JSON object: `null`, an array, a number or a string is refused, naming what is expected. */
async function objectBody(request: Request, expected: string): Promise<Record<string, unknown>> {
  const body: unknown = await request.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ControlBodyError(`expected a JSON object ${expected}, received ${shownKind(body)}`);
  return body as Record<string, unknown>;
}

const FAULT_KINDS: readonly string[] = ['gateway', 'business', 'html', 'truncated', 'drop', 'latency'];

/** `POST /__mock/faults`'s body, each member of the type it must have (`times: null`: every request). */
function faultBody(body: Record<string, unknown>): { fault: Fault | string; rule: Omit<FaultRule, 'fault'> } {
  const { fault, times, action, taskId } = body;
  const isFault =
    typeof fault === 'string' ||
    (typeof fault === 'object' && fault !== null && FAULT_KINDS.includes((fault as { kind?: unknown }).kind as string));
  if (!isFault)
    throw new ControlBodyError(
      `fault: expected a fault such as "status:503" or { "kind": "drop" }, received ${typeof fault === 'string' || typeof fault === 'object' ? JSON.stringify(fault) : shownKind(fault)}`,
    );
  if (times !== undefined && times !== null && typeof times !== 'number')
    throw new ControlBodyError(
      `times: expected a positive number, or null for every request, received ${shownKind(times)}`,
    );
  for (const [name, value] of [
    ['action', action],
    ['taskId', taskId],
  ] as const) {
    if (value !== undefined && typeof value !== 'string')
      throw new ControlBodyError(`${name}: expected a string, received ${shownKind(value)}`);
  }
  return {
    fault: fault as Fault | string,
    rule: {
      ...(times !== undefined ? { times: times === null ? Number.POSITIVE_INFINITY : times } : {}),
      ...(action !== undefined ? { action: action as string } : {}),
      ...(taskId !== undefined ? { taskId: taskId as string } : {}),
    },
  };
}

function controlError(error: unknown): Response {
  const known =
    error instanceof TaskSeedError ||
    error instanceof FaultSyntaxError ||
    error instanceof SyntaxError ||
    error instanceof ControlBodyError;
  return HttpResponse.json(
    { error: known ? (error as Error).message : 'unexpected error' },
    { status: known ? 400 : 500 },
  );
}
