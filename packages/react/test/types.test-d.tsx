import type { AnyIotTaskError, GatewayError, QueryTaskResult, TaskResult } from '@iot-task/client';
import type { UseQueryResult, UseSuspenseQueryResult } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import { useQueryTask, useSuspenseQueryTask, useSuspenseWatchTask, useWatchTask } from '../src/index.ts';

describe('hook signatures', () => {
  it('useWatchTask: the task, or what select makes of it; typed client errors', () => {
    const plain = () => useWatchTask('x');
    expectTypeOf(plain).returns.toEqualTypeOf<UseQueryResult<TaskResult, AnyIotTaskError>>();
    const progress = () => useWatchTask('x', { select: (task) => task.Progress });
    expectTypeOf(progress).returns.toEqualTypeOf<UseQueryResult<number | undefined, AnyIotTaskError>>();
    // Errors narrow by kind, without casts.
    void (() => {
      const { error } = useWatchTask('x');
      if (error?.kind === 'gateway') expectTypeOf(error).toEqualTypeOf<GatewayError>();
    });
    // @ts-expect-error the task id is a string
    void (() => useWatchTask(42));
    // @ts-expect-error pollIntervalMs is a number or false
    void (() => useWatchTask('x', { pollIntervalMs: true }));
  });

  it('useSuspenseWatchTask: data is always there', () => {
    const live = () => useSuspenseWatchTask('x');
    expectTypeOf(live).returns.toEqualTypeOf<UseSuspenseQueryResult<TaskResult, AnyIotTaskError>>();
    expectTypeOf<ReturnType<typeof live>['data']>().toEqualTypeOf<TaskResult>();
  });

  it("generated hooks: the action's own parameters in, its success body out", () => {
    const body = () => useQueryTask({ TaskId: 'x' });
    expectTypeOf(body).returns.toEqualTypeOf<UseQueryResult<QueryTaskResult, AnyIotTaskError>>();
    const status = () => useSuspenseQueryTask({ TaskId: 'x' }, { select: (b) => b.Data.Status });
    expectTypeOf(status).returns.toEqualTypeOf<UseSuspenseQueryResult<TaskResult['Status'], AnyIotTaskError>>();
    // @ts-expect-error TaskId is required
    void (() => useQueryTask({}));
    // @ts-expect-error JobId is not a QueryTask parameter
    void (() => useQueryTask({ TaskId: 'x', JobId: 'j' }));
  });
});
