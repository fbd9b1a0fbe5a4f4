/**
 * The smallest real use of the generated packages: a loopback HTTP server answers QueryTask
 * with the examples of the spec (`@iot-task/spec`), and the generated hey-api SDK
 * (`@iot-task/client/actions/QueryTask`) calls it the RPC way, once as JSON and once as XML.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { client, queryTask } from '@iot-task/client/actions/QueryTask';
import { QueryTaskExamples } from '@iot-task/spec';

const TASK_ID = 'MSnT9***q010101';

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const action = url.searchParams.get('Action') ?? req.headers['x-acs-action'];
  if (url.pathname !== '/' || action !== 'QueryTask') {
    res
      .writeHead(404, { 'content-type': 'application/json' })
      .end(JSON.stringify(QueryTaskExamples['404']['application/json'].default));
    return;
  }
  const xml = url.searchParams.get('Format')?.toUpperCase() === 'XML';
  const ok = QueryTaskExamples['200'];
  res
    .writeHead(200, { 'content-type': xml ? 'text/xml;charset=utf-8' : 'application/json;charset=utf-8' })
    .end(xml ? ok['text/xml'].Succeeded : JSON.stringify(ok['application/json'].Succeeded));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
client.setConfig({ baseUrl });

try {
  const { data } = await queryTask({
    query: { Action: 'QueryTask', TaskId: TASK_ID, Format: 'JSON' },
    throwOnError: true,
  });
  if (!data.Success) throw new Error(`business error ${data.Code}`);
  const task = data.Data;
  console.log(`GET ${baseUrl}/?Action=QueryTask&TaskId=${TASK_ID}&Format=JSON`);
  console.log(`  task ${task.TaskId} of job ${task.JobName}: ${task.Status}, progress ${task.Progress}%`);
  console.log(
    `  device ${task.ProductKey}/${task.DeviceName}, modified ${task.UtcModified}, request ${data.RequestId}`,
  );
  const xml = await queryTask({
    query: { Action: 'QueryTask', TaskId: TASK_ID, Format: 'XML' },
    parseAs: 'text',
    throwOnError: true,
  });
  console.log(`GET …&Format=XML → ${String(xml.data).split('\n')[0]}… (${String(xml.data).length} bytes)`);
} finally {
  server.close();
}
