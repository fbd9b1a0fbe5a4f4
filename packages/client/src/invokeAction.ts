import type { ActionDescriptor } from '@iot-task/spec';
import { type OperationClient, transportOf } from './clientTransport.ts';
import { ValidationError } from './errors.ts';

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
  options: CallOptions = {},
): Promise<TResult> {
  const transport = transportOf(client);
  const { timeoutMs } = options;
  if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)) {
    throw new ValidationError('timeoutMs', 'a positive number', String(timeoutMs));
  }
  const { body } = await transport(descriptor, params, { signal: options.signal, timeoutMs });
  return body as TResult;
}
