import path from 'node:path';
import { percentEncode, signRpc } from '@iot-task/signing';

/** The mock server's CLI, run in its own process by the server benchmarks. */
export const MOCK_SERVER_CLI = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'mock-server',
  'bin',
  'iot-task-mock.js',
);

/** The mock's default test key. */
const KEY = { accessKeyId: 'iot-task-test-key', accessKeySecret: 'iot-task-test-secret' };

/** `count` QueryTask requests (V1, GET), each signed with its own nonce (`tag` keeps runs apart), as paths. */
export async function preSignedPaths(count: number, tag: string): Promise<string[]> {
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const { query, signature } = await signRpc(
      'GET',
      {
        Action: 'QueryTask',
        Version: '2018-01-20',
        Format: 'JSON',
        AccessKeyId: KEY.accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: `${tag}-${process.pid}-${i}`,
        Timestamp: timestamp,
        TaskId: 'MSnT9***q010101',
      },
      KEY.accessKeySecret,
    );
    paths.push(`/?${query}&Signature=${percentEncode(signature)}`);
  }
  return paths;
}
