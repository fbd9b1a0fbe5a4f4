import type { actions } from '@iot-task/spec';
import { describe, expectTypeOf, it } from 'vitest';
import type {
  ActionName,
  AnyIotTaskError,
  GatewayError,
  IotTaskClient,
  IotTaskErrorKind,
  QueryTaskParams,
  QueryTaskResult,
  TaskResult,
  TaskStatus,
  ValidationError,
} from '../src/index.ts';

describe('public types', () => {
  it('queryTask takes { TaskId, IotInstanceId? } and returns a task with a numeric Progress', () => {
    expectTypeOf<QueryTaskParams>().toEqualTypeOf<{ TaskId: string; IotInstanceId?: string }>();
    expectTypeOf<TaskResult['Progress']>().toEqualTypeOf<number | undefined>();
    // An open union: the statuses the spec lists, or another string a newer service may send.
    expectTypeOf<TaskResult['Status']>().toEqualTypeOf<TaskStatus | (string & {})>();
    expectTypeOf<'SUCCEEDED'>().toExtend<TaskResult['Status']>();
    expectTypeOf<IotTaskClient['queryTask']>().returns.resolves.toEqualTypeOf<QueryTaskResult>();
    expectTypeOf<QueryTaskResult['Data']>().toEqualTypeOf<TaskResult>();
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

  it('the action set comes from the spec, and errors narrow by kind without casts', () => {
    // Every action of the spec, whatever it lists.
    expectTypeOf<ActionName>().toEqualTypeOf<keyof typeof actions>();
    expectTypeOf<AnyIotTaskError['kind']>().toEqualTypeOf<IotTaskErrorKind>();
    expectTypeOf<IotTaskErrorKind>().toEqualTypeOf<
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
      | 'unknown-status'
      | 'pagination'
      | 'hook'
      | 'quota-store'
    >();
    const branch = (error: AnyIotTaskError) => {
      if (error.kind === 'gateway') expectTypeOf(error).toEqualTypeOf<GatewayError>();
      if (error.kind === 'validation') expectTypeOf(error.field).toEqualTypeOf<string>();
      if (error.kind === 'quota-store') expectTypeOf(error.store).toEqualTypeOf<string>();
      if (error instanceof Object && error.kind === 'validation') expectTypeOf(error).toEqualTypeOf<ValidationError>();
    };
    void branch;
  });
});
