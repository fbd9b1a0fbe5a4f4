import { type IotMock, type Scenario, type SeedTask, scenarios } from '@iot-task/msw';
import { readRaw } from './rawResponse.ts';

/**
 * How the kit sets up tasks on a mock target (the in-process mock, or the mock server's
 * `/__mock/` control surface), so lifecycle cases follow tasks of every scenario from their
 * first step, under IDs of this run only.
 */
export interface MockControl {
  readonly scenarios: readonly Scenario[];
  /**
   * Seeds a task that moves one step per query whatever the mock's own pace (`--advance`), so the
   * kit can tell what each poll must answer; in an instance when one is named; with the task's
   * own fields (`data`: JobName, DeviceName, …) when given.
   */
  seedTask(
    taskId: string,
    scenario: Scenario,
    options?: { IotInstanceId?: string; data?: SeedTask['data'] },
  ): Promise<void>;
}

export function inProcessControl(mock: IotMock): MockControl {
  return {
    scenarios,
    async seedTask(taskId, scenario, options = {}) {
      mock.tasks.seed({ TaskId: taskId, scenario, advance: 'per-query', ...options });
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
  const raw = await readRaw(response);
  try {
    if (response.status !== 200 || raw.truncatedAt !== undefined || !Array.isArray(JSON.parse(raw.body)))
      return undefined;
  } catch {
    return undefined;
  }
  return {
    scenarios,
    async seedTask(taskId, scenario, options = {}) {
      const response = await send(`${baseUrl}/__mock/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ TaskId: taskId, scenario, advance: 'per-query', ...options }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 201) {
        throw new Error(`the mock refused to seed ${taskId} (HTTP ${response.status}: ${await response.text()})`);
      }
    },
  };
}
