/** The clients compared by the benchmark, each as one QueryTask call against `endpoint`. */
import IotModule, { QueryTaskRequest } from '@alicloud/iot20180120';
import OpenApiModule from '@alicloud/openapi-client';
import { createIotTaskClient } from '@iot-task/client';
import { fetchCall, nodeHttpCall, rawSocketCall } from './floors.ts';

// The official packages are CommonJS with `exports.default`.
const { Config } = OpenApiModule as unknown as typeof import('@alicloud/openapi-client');
type OfficialClient = { queryTask(request: QueryTaskRequest): Promise<unknown> };
const Iot = (IotModule as unknown as { default: new (config: InstanceType<typeof Config>) => OfficialClient }).default;

export interface Candidate {
  name: string;
  /** A floor is not a client: a fixed request and a JSON parse, nothing else. */
  floor?: boolean;
  call: () => Promise<unknown>;
}

const TASK_ID = 'MSnT9***q010101';
const credentials = { accessKeyId: 'bench-key', accessKeySecret: 'bench-secret' };
export const OURS_V3 = '@iot-task/client, V3 (ACS3-HMAC-SHA256)';
export const OURS_V1 = '@iot-task/client, V1 (RPC HMAC-SHA1)';
export const OFFICIAL_V3 = '@alicloud/iot20180120, V3 (default)';
export const OFFICIAL_V1 = "@alicloud/iot20180120, V1 (signatureAlgorithm 'v2')";
export const FLOOR_SOCKET = 'floor: raw HTTP/1.1 over a net socket';
export const FLOOR_NODE_HTTP = 'floor: node:http keep-alive';
export const FLOOR_FETCH = 'floor: fetch + response.json()';

/** `endpoint` is `host:port` of a server that answers with the seed's JSON example. */
export function createCandidates(endpoint: string): Candidate[] {
  const ours = (signatureVersion: 'v3' | 'v1') =>
    createIotTaskClient({ endpoint: `http://${endpoint}`, credentials, signatureVersion, quota: false, retry: false });
  const official = (signatureAlgorithm?: 'v2') =>
    new Iot(
      new Config({ ...credentials, endpoint, protocol: 'http', ...(signatureAlgorithm ? { signatureAlgorithm } : {}) }),
    );
  const [oursV3, oursV1] = [ours('v3'), ours('v1')];
  const [officialV3, officialV1] = [official(), official('v2')];
  const request = () => new QueryTaskRequest({ taskId: TASK_ID });
  return [
    { name: FLOOR_SOCKET, floor: true, call: rawSocketCall(endpoint) },
    { name: FLOOR_NODE_HTTP, floor: true, call: nodeHttpCall(endpoint) },
    { name: FLOOR_FETCH, floor: true, call: fetchCall(endpoint) },
    { name: OURS_V3, call: () => oursV3.queryTask({ TaskId: TASK_ID }) },
    { name: OFFICIAL_V3, call: () => officialV3.queryTask(request()) },
    { name: OURS_V1, call: () => oursV1.queryTask({ TaskId: TASK_ID }) },
    { name: OFFICIAL_V1, call: () => officialV1.queryTask(request()) },
  ];
}
