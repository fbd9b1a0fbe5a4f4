import { type ActionDescriptor, actions, type commonParameters } from '@iot-task/spec';
import { type HttpHandler, http } from 'msw';
import { readRpcRequest } from './readRpcRequest.ts';
import { rpcResponse, type WireFormat } from './respond.ts';
import { successExample } from './successExample.ts';

/** Query parameters every action shares; the generated handler types leave them out. */
export type CommonQueryParameter = Extract<(typeof commonParameters)[number], { in: 'query' }>['name'] | 'Action';

export interface ActionResolverInfo<TParams> {
  request: Request;
  /** The action's parameters as sent (query string and form body), strings on the wire. */
  params: { [K in keyof TParams]?: string };
  action: string;
  /** The format the caller asked for; a returned body is sent in it. */
  format: WireFormat;
}

export type ActionResult<TBody> = { body: TBody; status?: number } | Response | undefined;

/** Answers an action's request: a body (sent as JSON or XML), a Response, or undefined to pass. */
export type ActionResolver<TParams, TBody> = (
  info: ActionResolverInfo<TParams>,
) => ActionResult<TBody> | Promise<ActionResult<TBody>>;

export type ActionResponse<TParams, TBody> = { body: TBody; status?: number } | ActionResolver<TParams, TBody>;

export interface ActionHandlerOptions {
  /** Only requests to this origin (e.g. `http://127.0.0.1:4010`); any origin by default. */
  baseUrl?: string;
  /** Answer one request, then step aside. */
  once?: boolean;
}

/**
 * The runtime behind the generated `handle<Action>()` factories: an MSW handler for `/` that
 * answers only requests for `action` (so several can be registered at once), in the format the
 * caller asked for.
 */
export function actionHandler<TParams, TBody>(
  action: string,
  response?: ActionResponse<TParams, TBody>,
  options: ActionHandlerOptions = {},
): HttpHandler {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const xmlRoot = descriptor?.xmlRoot ?? `${action}Response`;
  const example = successExample(action);
  const fallback = example === undefined ? undefined : { body: example };
  return http.all(
    `${options.baseUrl ?? '*'}/`,
    async ({ request }) => {
      const rpc = await readRpcRequest(request);
      if (rpc.action !== action) return undefined;
      const result: ActionResult<TBody> =
        typeof response === 'function'
          ? await response({
              request,
              params: rpc.params as ActionResolverInfo<TParams>['params'],
              action,
              format: rpc.format,
            })
          : (response ?? (fallback as { body: TBody } | undefined));
      if (result === undefined || result instanceof Response) return result;
      return rpcResponse(result.body as Record<string, unknown>, {
        status: result.status,
        format: rpc.format,
        xmlRoot,
      });
    },
    { once: options.once ?? false },
  );
}
