import {
  type Credentials,
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  endpointForRegion,
  type QuotaStore,
} from '@iot-task/client';
import {
  createIotMock,
  EXAMPLE_JOB_ID,
  EXAMPLE_TASK_ID,
  fetchFromHandlers,
  type IotMock,
  type IotMockOptions,
  TEST_CREDENTIALS,
} from '@iot-task/msw';
import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { RequestHandler } from 'msw';
import { type ContractClock, realClock, virtualClock } from './contractClock.ts';
import { detectHttpControl, inProcessControl, type MockControl } from './mockControl.ts';

/** Where the contract suite runs, and what it may assume about it. */
export interface ContractTarget {
  name: string;
  /** `msw`: in-process handlers; `base-url`: a server; `live`: the service. */
  kind: 'msw' | 'base-url' | 'live';
  baseUrl: string;
  fetch: typeof fetch;
  credentials: Credentials;
  /** A task the target knows, for the exchange cases (an unknown one still yields a documented answer). */
  taskId: string;
  /** A job the target knows (the one its task belongs to), for the actions that take a JobId. */
  jobId: string;
  instanceId?: string;
  /** Tasks to follow in lifecycle cases, each polled a bounded number of times. */
  followTaskIds: readonly string[];
  /** Whether the target checks signatures; the gateway cases are skipped, saying so, when it does not. */
  verifiesSignatures: boolean;
  /**
   * Requests per second the target allows (its quota): the run paces to 90% of it and the
   * throttling case bursts over it. @default the spec's `x-acs-quota` (5)
   */
  requestsPerSecond?: number;
  /** The clock the run waits on: real for servers, virtual for the in-process mock. */
  clock: ContractClock;
  /** How to seed tasks of every scenario, when the target is one of our mocks. */
  control: () => Promise<MockControl | undefined>;
  /** Run the cases that are unsafe against a live account (forged keys, draining the quota). */
  includeUnsafe: boolean;
  /** Set when the whole target must be skipped, with the reason. */
  skipReason?: string;
  /**
   * A quota the run's paced requests take places in, as every other client of the account does:
   * the account's quota shared through Redis (`redisQuota(…)`), for a live run.
   */
  quota?: QuotaStore;
}

export interface MswTargetOptions {
  name?: string;
  /** Options of the mock the target creates (signatures verified, quota on), on the run's virtual clock. */
  mock?: Omit<IotMockOptions, 'now' | 'baseUrl' | 'control'>;
  /**
   * The handlers put under contract: a list (any handler set — then the target's own mock is not
   * used), or a function of the target's mock (to wrap it). @default the mock's handlers
   */
  handlers?: readonly RequestHandler[] | ((mock: IotMock) => readonly RequestHandler[]);
  /** @default true for the target's mock, false for a handler list */
  verifiesSignatures?: boolean;
  /** The quota the kit holds the target to. @default the mock's own, else the spec's */
  requestsPerSecond?: number;
}

function quotaOption(mock: MswTargetOptions['mock']): { requestsPerSecond?: number } {
  const rate = mock?.quota === false ? undefined : mock?.quota?.requestsPerSecond;
  return rate === undefined ? {} : { requestsPerSecond: rate };
}

/**
 * In-process: requests are answered by MSW handlers directly (no network, no server), by default
 * the stateful mock of `@iot-task/msw` with every gateway check on. The run waits on a virtual
 * clock the mock shares, so pacing under the quota, polling and the quota's refill cost no time.
 */
export function mswTarget(options: MswTargetOptions = {}): ContractTarget {
  const clock = virtualClock();
  const mock = createIotMock({ verifySignatures: true, ...options.mock, now: clock.now });
  const foreign = Array.isArray(options.handlers);
  const handlers = Array.isArray(options.handlers)
    ? options.handlers
    : typeof options.handlers === 'function'
      ? options.handlers(mock)
      : mock.handlers;
  return {
    name: options.name ?? 'msw (in-process)',
    kind: 'msw',
    baseUrl: 'https://iot.cn-shanghai.aliyuncs.com',
    fetch: fetchFromHandlers(handlers as RequestHandler[]),
    credentials: TEST_CREDENTIALS,
    taskId: EXAMPLE_TASK_ID,
    jobId: EXAMPLE_JOB_ID,
    followTaskIds: [],
    verifiesSignatures: options.verifiesSignatures ?? !foreign,
    ...(options.requestsPerSecond === undefined
      ? quotaOption(options.mock)
      : { requestsPerSecond: options.requestsPerSecond }),
    clock,
    control: async () => (foreign ? undefined : inProcessControl(mock)),
    includeUnsafe: true,
  };
}

export interface BaseUrlTargetOptions {
  credentials?: Credentials;
  /** The task the exchange cases ask for. @default the mock's example task */
  taskId?: string;
  /** The job the exchange cases ask for (ListTask, QueryJob). @default the example task's job */
  jobId?: string;
  instanceId?: string;
  /** Tasks to follow in lifecycle cases. */
  followTaskIds?: readonly string[];
  /** @default true */
  verifiesSignatures?: boolean;
  /** Seed lifecycle tasks through the server's `/__mock/` control surface when it has one. @default true */
  useControl?: boolean;
  /** The server's quota, when it is not the spec's (a mock configured faster, say). */
  requestsPerSecond?: number;
}

/** Any server at a base URL: our mock server, another mock, a validating proxy. */
export function baseUrlTarget(baseUrl: string, options: BaseUrlTargetOptions = {}): ContractTarget {
  const url = new URL(baseUrl);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new TypeError(
      `baseUrlTarget: expected a base URL without user info, query or fragment, received ${url.origin}${url.pathname}…`,
    );
  }
  const root = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  const send: typeof fetch = (input, init) => globalThis.fetch(input, init);
  let control: Promise<MockControl | undefined> | undefined;
  return {
    name: root,
    kind: 'base-url',
    baseUrl: root,
    fetch: send,
    credentials: options.credentials ?? TEST_CREDENTIALS,
    taskId: options.taskId ?? EXAMPLE_TASK_ID,
    jobId: options.jobId ?? EXAMPLE_JOB_ID,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    followTaskIds: options.followTaskIds ?? [],
    verifiesSignatures: options.verifiesSignatures ?? true,
    ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
    clock: realClock,
    control: () => {
      if (options.useControl === false) return Promise.resolve(undefined);
      control ??= detectHttpControl(root, send);
      return control;
    },
    includeUnsafe: true,
  };
}

export interface LiveTargetOptions {
  /** Tasks to follow in lifecycle cases. @default IOT_TASK_CONTRACT_TASK_ID */
  followTaskIds?: readonly string[];
  /** Run the cases that forge keys or drain the account's quota. @default false */
  includeUnsafe?: boolean;
  /** The account's shared quota, taken a place in by every paced request (see ContractTarget.quota). */
  quota?: QuotaStore;
}

/**
 * The live service, when credentials are in the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`,
 * `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional `ALIBABA_CLOUD_SECURITY_TOKEN`,
 * `ALIBABA_CLOUD_REGION_ID`, `IOT_TASK_CONTRACT_TASK_ID`, `IOT_TASK_CONTRACT_JOB_ID`, `IOT_TASK_CONTRACT_INSTANCE_ID`);
 * otherwise a target that is skipped, saying why.
 */
export function liveTarget(
  env: Readonly<Record<string, string | undefined>> = process.env,
  options: LiveTargetOptions = {},
): ContractTarget {
  const region = env.ALIBABA_CLOUD_REGION_ID ?? 'cn-shanghai';
  const id = env[ENV_ACCESS_KEY_ID];
  const secret = env[ENV_ACCESS_KEY_SECRET];
  const token = env[ENV_SECURITY_TOKEN];
  const taskId = env.IOT_TASK_CONTRACT_TASK_ID;
  return {
    name: `live (${region})`,
    kind: 'live',
    // The kit sends to one base URL: the endpoint of the spec's (first) API family in the region.
    baseUrl: `https://${endpointForRegion((Object.values(actions)[0] as ActionDescriptor).family, region)}`,
    fetch: (input, init) => globalThis.fetch(input, init),
    credentials: { accessKeyId: id ?? '', accessKeySecret: secret ?? '', ...(token ? { securityToken: token } : {}) },
    taskId: taskId ?? EXAMPLE_TASK_ID,
    jobId: env.IOT_TASK_CONTRACT_JOB_ID ?? EXAMPLE_JOB_ID,
    ...(env.IOT_TASK_CONTRACT_INSTANCE_ID ? { instanceId: env.IOT_TASK_CONTRACT_INSTANCE_ID } : {}),
    followTaskIds: options.followTaskIds ?? (taskId ? [taskId] : []),
    verifiesSignatures: true,
    clock: realClock,
    control: async () => undefined,
    includeUnsafe: options.includeUnsafe ?? false,
    ...(options.quota ? { quota: options.quota } : {}),
    ...(id && secret
      ? {}
      : {
          skipReason: `no credentials: set ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} to run against the live service`,
        }),
  };
}
