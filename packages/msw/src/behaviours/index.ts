import type { ActionBehaviour } from './actionBehaviour.ts';
import { listTask } from './listTask.ts';
import type { PageTokens } from './pageTokens.ts';
import { queryJob } from './queryJob.ts';
import { queryTask } from './queryTask.ts';

/**
 * The actions with a state model, by name: the job family shares the mock's task store. Any
 * other action the spec describes answers its example. A behaviour is written by hand here and
 * used whenever the spec has the action (decisions/mock-action-behaviours.md).
 */
export function actionBehaviours(pages: PageTokens): Readonly<Record<string, ActionBehaviour>> {
  return { QueryTask: queryTask, ListTask: listTask(pages), QueryJob: queryJob };
}
