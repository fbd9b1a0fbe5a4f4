/** The clients compared by the benchmark, each as one QueryTask call against `endpoint`. */
import IotModule, { QueryTaskRequest } from '@alicloud/iot20180120';
import OpenApiModule from '@alicloud/openapi-client';
import { createIotTaskClient } from '@iot-task/client';

// The official packages are CommonJS with `exports.default`.
const { Config } = OpenApiModule as unknown as typeof import('@alicloud/openapi-client');
type OfficialClient = { queryTask(request: QueryTaskRequest): Promise<unknown> };
const Iot = (IotModule as unknown as { default: new (config: InstanceType<typeof Config>) => OfficialClient }).default;

export interface Candidate {
  name: string;
  call: () => Promise<unknown>;
}

const TASK_ID = 'MSnT9***q010101';
const credentials = { accessKeyId: 'bench-key', accessKeySecret: 'bench-secret' };
export const FLOOR = 'bare fetch of a pre-signed URL (floor)';

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
  const preSigned = `http://${endpoint}/?Action=QueryTask&TaskId=MSnT9%2A%2A%2Aq010101&Format=JSON&Version=2018-01-20&AccessKeyId=bench-key&SignatureMethod=HMAC-SHA1&SignatureVersion=1.0&SignatureNonce=0&Timestamp=2026-11-26T00%3A00%3A00Z&Signature=x`;
  const request = () => new QueryTaskRequest({ taskId: TASK_ID });
  return [
    { name: FLOOR, call: async () => (await fetch(preSigned, { method: 'POST' })).json() },
    { name: '@iot-task/client, V3 (ACS3-HMAC-SHA256)', call: () => oursV3.queryTask({ TaskId: TASK_ID }) },
    { name: '@alicloud/iot20180120, V3 (default)', call: () => officialV3.queryTask(request()) },
    { name: '@iot-task/client, V1 (RPC HMAC-SHA1)', call: () => oursV1.queryTask({ TaskId: TASK_ID }) },
    { name: "@alicloud/iot20180120, V1 (signatureAlgorithm 'v2')", call: () => officialV1.queryTask(request()) },
  ];
}
