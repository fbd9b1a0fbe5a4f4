import {
  type Credentials,
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  endpointForRegion,
} from '@iot-task/client';
import { createIotMock, EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import { getResponse, type HttpHandler } from 'msw';

/** Where the contract suite runs, and what it may assume about it. */
export interface ContractTarget {
  name: string;
  baseUrl: string;
  fetch: typeof fetch;
  credentials: Credentials;
  /** A task the target knows, for the exchange cases (an unknown one still yields a documented answer). */
  taskId: string;
  instanceId?: string;
  /** Whether the target checks signatures; the bad-signature case is skipped when it does not. */
  verifiesSignatures: boolean;
  /** Whether our client keeps to the 5 QPS quota against it (off for in-process handlers). @default true */
  clientQuota?: boolean;
  /** Set when the whole target must be skipped, with the reason. */
  skipReason?: string;
}

/**
 * In-process: requests are answered by MSW handlers directly (no network, no server), by
 * default the stateful mock of `@iot-task/msw` with signatures checked; pass `handlers` to put
 * any handler set under contract.
 */
export function mswTarget(
  options: { handlers?: HttpHandler[]; name?: string; verifiesSignatures?: boolean } = {},
): ContractTarget {
  const handlers = options.handlers ?? createIotMock({ quota: false, verifySignatures: true }).handlers;
  const send: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await getResponse(handlers, request);
    if (!response) return new Response(`no handler answered ${request.method} ${request.url}`, { status: 501 });
    if (response.type === 'error') throw new TypeError('the handler dropped the connection');
    return response;
  };
  return {
    name: options.name ?? 'msw (in-process)',
    baseUrl: 'https://iot.cn-shanghai.aliyuncs.com',
    fetch: send,
    credentials: TEST_CREDENTIALS,
    taskId: EXAMPLE_TASK_ID,
    verifiesSignatures: options.verifiesSignatures ?? options.handlers === undefined,
    clientQuota: false,
  };
}

/** Any server at a base URL: our mock server, another mock, a validating proxy. */
export function baseUrlTarget(
  baseUrl: string,
  options: { credentials?: Credentials; taskId?: string; instanceId?: string; verifiesSignatures?: boolean } = {},
): ContractTarget {
  return {
    name: baseUrl,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    fetch: (input, init) => globalThis.fetch(input, init),
    credentials: options.credentials ?? TEST_CREDENTIALS,
    taskId: options.taskId ?? EXAMPLE_TASK_ID,
    ...(options.instanceId ? { instanceId: options.instanceId } : {}),
    verifiesSignatures: options.verifiesSignatures ?? true,
  };
}

/**
 * The live service, when credentials are in the environment (`ALIBABA_CLOUD_ACCESS_KEY_ID`,
 * `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, optional `ALIBABA_CLOUD_SECURITY_TOKEN`,
 * `ALIBABA_CLOUD_REGION_ID`, `IOT_TASK_CONTRACT_TASK_ID`, `IOT_TASK_CONTRACT_INSTANCE_ID`);
 * otherwise a target that is skipped, saying why.
 */
export function liveTarget(env: Readonly<Record<string, string | undefined>> = process.env): ContractTarget {
  const region = env.ALIBABA_CLOUD_REGION_ID ?? 'cn-shanghai';
  const id = env[ENV_ACCESS_KEY_ID];
  const secret = env[ENV_ACCESS_KEY_SECRET];
  const token = env[ENV_SECURITY_TOKEN];
  return {
    name: `live (${region})`,
    baseUrl: `https://${endpointForRegion(region)}`,
    fetch: (input, init) => globalThis.fetch(input, init),
    credentials: { accessKeyId: id ?? '', accessKeySecret: secret ?? '', ...(token ? { securityToken: token } : {}) },
    taskId: env.IOT_TASK_CONTRACT_TASK_ID ?? EXAMPLE_TASK_ID,
    ...(env.IOT_TASK_CONTRACT_INSTANCE_ID ? { instanceId: env.IOT_TASK_CONTRACT_INSTANCE_ID } : {}),
    verifiesSignatures: true,
    ...(id && secret
      ? {}
      : {
          skipReason: `no credentials: set ${ENV_ACCESS_KEY_ID} and ${ENV_ACCESS_KEY_SECRET} to run against the live service`,
        }),
  };
}
