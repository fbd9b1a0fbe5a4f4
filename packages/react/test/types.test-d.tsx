import type { AnyIotTaskError, GatewayError, TaskResult } from '@iot-task/client';
import type { UseQueryResult, UseSuspenseQueryResult } from '@tanstack/react-query';
import { describe, expectTypeOf, it } from 'vitest';
import { useQueryTask, useSuspenseQueryTask } from '../src/index.ts';

describe('hook signatures', () => {
  it('useQueryTask: the task, or what select makes of it; typed client errors', () => {
    const plain = () => useQueryTask('x');
    expectTypeOf(plain).returns.toEqualTypeOf<UseQueryResult<TaskResult, AnyIotTaskError>>();
    const progress = () => useQueryTask('x', { select: (task) => task.Progress });
    expectTypeOf(progress).returns.toEqualTypeOf<UseQueryResult<number | undefined, AnyIotTaskError>>();
    // Errors narrow by kind, without casts.
    void (() => {
      const { error } = useQueryTask('x');
      if (error?.kind === 'gateway') expectTypeOf(error).toEqualTypeOf<GatewayError>();
    });
    // @ts-expect-error the task id is a string
    void (() => useQueryTask(42));
    // @ts-expect-error pollIntervalMs is a number or false
    void (() => useQueryTask('x', { pollIntervalMs: true }));
  });

  it('useSuspenseQueryTask: data is always there', () => {
    const live = () => useSuspenseQueryTask('x');
    expectTypeOf(live).returns.toEqualTypeOf<UseSuspenseQueryResult<TaskResult, AnyIotTaskError>>();
    expectTypeOf<ReturnType<typeof live>['data']>().toEqualTypeOf<TaskResult>();
  });
});
