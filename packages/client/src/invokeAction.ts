import type { ActionDescriptor } from '@iot-task/spec';
import { type OperationClient, transportOf } from './clientTransport.ts';

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/**
 * One call of an action through a client's runtime: validated, within the quota, signed, sent,
 * read, checked against the spec and retried as the client says. Resolves with the decoded
 * success body; every failure is a typed IotTaskError. The generated operations call this.
 */
export async function invoke<TResult>(
  client: OperationClient,
  descriptor: ActionDescriptor,
  params: unknown,
  options?: CallOptions,
): Promise<TResult> {
  // The call checks the options (a typed ValidationError naming the field) with everything else.
  const { body } = await transportOf(client)(descriptor, params, options);
  return body as TResult;
}
