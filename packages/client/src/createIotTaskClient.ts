import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { OperationClient } from './clientTransport.ts';
import { createIotTaskCore, type IotTaskClientOptions } from './createIotTaskCore.ts';
import { baseUrlFor } from './endpoints.ts';
import { ValidationError } from './errors.ts';
import { type ActionTypes, bindActions, type IotTaskActions } from './generated/actions.gen.ts';
import type { QueryTaskParams, QueryTaskResult } from './generated/operations.gen.ts';
import { type CallOptions, invoke } from './invokeAction.ts';
import { type TaskResult, type WaitForTaskOptions, waitForTask } from './waitForTask.ts';

/** Name of an action the client can call. */
export type ActionName = keyof ActionTypes;
/** An action's own parameters (the runtime adds the common ones). */
export type ActionParams<A extends ActionName> = ActionTypes[A]['params'];
/** An action's success body, decoded: `Data` and top-level fields such as `NextToken`. */
export type ActionResult<A extends ActionName> = ActionTypes[A]['result'];

export type { QueryTaskParams, QueryTaskResult, TaskResult };

/** Every action of the spec as a method, plus `call`, `waitForTask` and the runtime they share. */
export interface IotTaskClient extends OperationClient, IotTaskActions {
  /** Polls a task until it reaches a terminal status; see {@link WaitForTaskOptions}. */
  waitForTask(taskId: string, options?: WaitForTaskOptions): Promise<TaskResult>;
  /** Calls an action by name with its own parameters; resolves with its decoded success body. */
  call<A extends ActionName>(action: A, params: ActionParams<A>, options?: CallOptions): Promise<ActionResult<A>>;
}

/**
 * Creates a client for IoT Platform with every action of the spec as a method
 * (`client.queryTask(params)`, and for paged actions `client.listTaskPages(params)`): a runtime
 * that validates, keeps each API's quota, signs, sends, reads, checks the answer against the spec
 * and retries what is safe to retry, throwing typed errors. It carries every action; an app that
 * uses a few and counts its bytes uses `createIotTaskCore` with the functions it imports.
 *
 * @example
 * const client = createIotTaskClient({ region: 'cn-shanghai' });
 * const { Data: task } = await client.queryTask({ TaskId: 'MSnT9***q010101' });
 * const done = await client.waitForTask('MSnT9***q010101', { onProgress: (t) => console.log(t.Status) });
 */
export function createIotTaskClient(options: IotTaskClientOptions = {}): IotTaskClient {
  const core = createIotTaskCore(options);
  // A region unknown to a family of the spec is a mistake to hear about now, not at the first call.
  for (const descriptor of Object.values(actions) as ActionDescriptor[]) baseUrlFor(core.endpoint, descriptor.family);
  const client: IotTaskClient = Object.assign(core, bindActions(core), {
    waitForTask: (taskId: string, waitOptions?: WaitForTaskOptions) => waitForTask(core, taskId, waitOptions),
    async call<A extends ActionName>(action: A, params: ActionParams<A>, callOptions?: CallOptions) {
      if (!Object.hasOwn(actions, action)) {
        throw new ValidationError('action', `one of ${Object.keys(actions).join(', ')}`, JSON.stringify(action));
      }
      return invoke<ActionResult<A>>(core, actions[action] as ActionDescriptor, params, callOptions);
    },
  });
  return client;
}
