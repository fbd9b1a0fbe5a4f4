import { type ActionDescriptor, actions } from '@iot-task/spec';
import { ValidationError } from '../errors.ts';
import type { CallTransport } from './callAction.ts';

/** Query parameters the runtime sets itself; whatever the generated SDK put there is dropped. */
const PROTOCOL_PARAMETERS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'Signature',
  'SecurityToken',
]);

/** A wire value back to the type the action's schema gives it, so validation judges what was meant. */
function typed(param: ActionDescriptor['parameters'][number] | undefined, value: string): unknown {
  if (!param) return value;
  if (param.contentType !== undefined) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  if (param.schema.type === 'integer' || param.schema.type === 'number')
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (param.schema.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/**
 * The `fetch` the generated hey-api client (and so the generated TanStack Query helpers) sends
 * through: it reads the action and parameters from the request the SDK built and makes the call
 * with the client's transport — the same validation, quota, signing, retries and typed errors as
 * `client.call()` — answering hey-api with the decoded success body as JSON.
 */
export function heyApiFetch(transport: CallTransport): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const action = url.searchParams.get('Action') ?? request.headers.get('x-acs-action') ?? '';
    const descriptor = Object.hasOwn(actions, action)
      ? (actions as Readonly<Record<string, ActionDescriptor>>)[action]
      : undefined;
    if (!descriptor) {
      throw new ValidationError('Action', `one of ${Object.keys(actions).join(', ')}`, JSON.stringify(action));
    }
    const params: Record<string, unknown> = {};
    for (const [name, value] of url.searchParams) {
      if (PROTOCOL_PARAMETERS.has(name)) continue;
      params[name] = typed(
        descriptor.parameters.find((p) => p.name === name),
        value,
      );
    }
    const { requestId, body } = await transport(descriptor, params, { signal: request.signal });
    return new Response(JSON.stringify(body), {
      status: 200,
      // Headers carry printable ASCII only; a RequestId with anything else stays in the body.
      headers: {
        'content-type': 'application/json',
        ...(/^[\x20-\x7e]+$/.test(requestId) ? { 'x-acs-request-id': requestId } : {}),
      },
    });
  };
}
