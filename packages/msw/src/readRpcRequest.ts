/** What the gateway reads from an RPC request, whichever way it was sent. */
export interface RpcRequest {
  /** From `Action` (query or form body) or the `x-acs-action` header. */
  action: string | undefined;
  /** From `Version` or `x-acs-version`. */
  version: string | undefined;
  method: string;
  /** Query string and form-body parameters together, decoded. */
  params: Record<string, string>;
  /** Query string parameters only (what a V3 signature covers besides the body). */
  query: Record<string, string>;
  /** The raw body, for the V3 content hash. */
  body: string;
  signatureVersion: 'v3' | 'v1' | 'none';
  /** `Format` if sent (any case), else JSON when `Accept` asks for it, else XML — the gateway's default. */
  format: 'JSON' | 'XML';
}

/**
 * Reads an RPC request as the gateway does: `Action` and parameters from the query string or
 * an `application/x-www-form-urlencoded` body, or `x-acs-action` for V3. Reads a clone, so other
 * handlers can still read the body.
 */
export async function readRpcRequest(request: Request): Promise<RpcRequest> {
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams);
  const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.clone().text();
  const form = /application\/x-www-form-urlencoded/i.test(request.headers.get('content-type') ?? '')
    ? Object.fromEntries(new URLSearchParams(body))
    : {};
  const params = { ...form, ...query };
  const format = params.Format?.toUpperCase();
  const accept = request.headers.get('accept') ?? '';
  return {
    action: params.Action ?? request.headers.get('x-acs-action') ?? undefined,
    version: params.Version ?? request.headers.get('x-acs-version') ?? undefined,
    method: request.method.toUpperCase(),
    params,
    query,
    body,
    signatureVersion: request.headers.has('authorization') ? 'v3' : params.Signature !== undefined ? 'v1' : 'none',
    format: format === 'XML' || format === 'JSON' ? format : /json/i.test(accept) ? 'JSON' : 'XML',
  };
}
