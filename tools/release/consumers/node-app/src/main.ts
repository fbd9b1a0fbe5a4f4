// A consumer of the packed packages: Node, ESM, TypeScript. Calls QueryTask against the mock server.
import { createIotTaskClient, isIotTaskError, type TaskResult } from '@iot-task/client';
import { createMockServer } from '@iot-task/mock-server';
import { EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import { actions } from '@iot-task/spec';

const server = await createMockServer({ port: 0 });
try {
  const client = createIotTaskClient({ endpoint: server.url, credentials: TEST_CREDENTIALS });
  const { Data: first }: { Data: TaskResult } = await client.queryTask({ TaskId: EXAMPLE_TASK_ID });
  const final = await client.waitForTask(EXAMPLE_TASK_ID, { intervalMs: 20 });
  const missing = await client
    .queryTask({ TaskId: 'no-such-task' })
    .catch((error: unknown) => (isIotTaskError(error) ? error.code : 'untyped'));
  console.log(
    JSON.stringify({
      first: first.Status,
      final: final.Status,
      progress: final.Progress,
      missing,
      quota: actions.QueryTask.quota.requestsPerSecond,
    }),
  );
} finally {
  await server.close();
}
