import type { ActionDescriptor } from '@iot-task/spec';
import type { TaskStore } from '../taskStore.ts';

/** What an action's behaviour sees of a request that passed the gateway's checks. */
export interface BehaviourContext {
  descriptor: ActionDescriptor;
  /** The action's parameters as sent (strings on the wire). */
  params: Readonly<Record<string, string | undefined>>;
  tasks: TaskStore;
  /** The mock's clock. */
  now: number;
  /** The action's first JSON success example, if the spec has one. */
  example: Record<string, unknown> | undefined;
}

/** An answer: the success body's fields besides `RequestId` and `Success`, a business error, or a gateway error. */
export type BehaviourAnswer =
  | { body: Record<string, unknown> }
  | { business: string; message?: string }
  | { gateway: string; message?: string };

/**
 * How one action behaves on the mock's state. An action the spec describes without a behaviour
 * answers its spec example (decisions/mock-action-behaviours.md).
 */
export type ActionBehaviour = (context: BehaviourContext) => BehaviourAnswer;

/** The business error the spec names for a value of `parameter` that names nothing (`x-acs-unknown-value-error`). */
export function unknownValueError(descriptor: ActionDescriptor, parameter: string): string {
  const code = descriptor.parameters.find((p) => p.name === parameter)?.unknownValueErrors?.[0];
  if (!code) {
    throw new Error(`the spec names no x-acs-unknown-value-error for ${descriptor.action}'s ${parameter}`);
  }
  return code;
}
