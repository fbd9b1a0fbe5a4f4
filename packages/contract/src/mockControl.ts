import { type IotMock, type Scenario, scenarios } from '@iot-task/msw';

/**
 * How the kit sets up tasks on a mock target (the in-process mock, or the mock server's
 * `/__mock/` control surface), so lifecycle cases follow tasks of every scenario from their
 * first step, under IDs of this run only.
 */
export interface MockControl {
  readonly scenarios: readonly Scenario[];
  seedTask(taskId: string, scenario: Scenario): Promise<void>;
}

export function inProcessControl(mock: IotMock): MockControl {
  return {
    scenarios,
    async seedTask(taskId, scenario) {
      mock.tasks.seed({ TaskId: taskId, scenario });
    },
  };
}

/**
 * The control surface of a server at `baseUrl`, if it has one (`GET /__mock/tasks` answers a
 * JSON list): our mock server has; a proxy or another mock usually has not.
 */
export async function detectHttpControl(baseUrl: string, send: typeof fetch): Promise<MockControl | undefined> {
  // No answer at all (refused, dropped, too slow) rejects: that is not "no control surface".
  const response = await send(`${baseUrl}/__mock/tasks`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(5000),
  });
  try {
    if (response.status !== 200 || !Array.isArray(await response.json())) return undefined;
  } catch {
    return undefined;
  }
  return {
    scenarios,
    async seedTask(taskId, scenario) {
      const response = await send(`${baseUrl}/__mock/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ TaskId: taskId, scenario }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 201) {
        throw new Error(`the mock refused to seed ${taskId} (HTTP ${response.status}: ${await response.text()})`);
      }
    },
  };
}
