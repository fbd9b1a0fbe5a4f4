import { describe, expectTypeOf, it } from 'vitest';
import type {
  ActionName,
  IotTaskClient,
  IotTaskError,
  IotTaskErrorKind,
  QueryTaskParams,
  TaskResult,
  TaskStatus,
} from '../src/index.ts';

describe('public types', () => {
  it('queryTask takes { TaskId, IotInstanceId? } and returns a task with a numeric Progress', () => {
    expectTypeOf<QueryTaskParams>().toEqualTypeOf<{ TaskId: string; IotInstanceId?: string }>();
    expectTypeOf<TaskResult['Progress']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TaskResult['Status']>().toEqualTypeOf<TaskStatus>();
    expectTypeOf<IotTaskClient['queryTask']>().returns.resolves.toEqualTypeOf<TaskResult>();
  });

  it('rejects what the spec rejects', () => {
    const client = {} as IotTaskClient;
    // @ts-expect-error TaskId is required
    void (() => client.queryTask({}));
    // @ts-expect-error TaskId is a string
    void (() => client.queryTask({ TaskId: 1 }));
    // @ts-expect-error JobId is not a QueryTask parameter
    void (() => client.queryTask({ TaskId: 'x', JobId: 'j' }));
    // @ts-expect-error Action is set by the client
    void (() => client.call('QueryTask', { TaskId: 'x', Action: 'QueryTask' }));
  });

  it('the action set comes from the spec, and errors are branchable by kind', () => {
    expectTypeOf<ActionName>().toEqualTypeOf<'QueryTask'>();
    expectTypeOf<IotTaskError['kind']>().toEqualTypeOf<IotTaskErrorKind>();
    expectTypeOf<IotTaskErrorKind>().toExtend<
      | 'gateway'
      | 'business'
      | 'network'
      | 'timeout'
      | 'aborted'
      | 'validation'
      | 'parse'
      | 'drift'
      | 'credentials'
      | 'wait-timeout'
    >();
  });
});
