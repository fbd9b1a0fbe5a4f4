import { hmacEncoded } from './hashing.ts';
import { percentEncode } from './percentEncode.ts';

/** Request parameters as sent: name → value (already strings). */
export type RpcParameters = Readonly<Record<string, string>>;

/**
 * The canonicalized query string of the RPC signature: every parameter except `Signature`,
 * sorted by name (code-unit order, as the official SDKs sort), name and value percent-encoded,
 * joined with `=` and `&`. It is also the query string that goes on the wire.
 */
export function canonicalizeRpcQuery(params: RpcParameters): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] as string)}`)
    .join('&');
}

/** `METHOD&%2F&percentEncode(canonicalizedQueryString)` */
export function rpcStringToSign(method: string, canonicalQuery: string): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalQuery)}`;
}

/**
 * Signs an RPC request (SignatureMethod HMAC-SHA1, SignatureVersion 1.0): Base64 of
 * HMAC-SHA1 keyed with `AccessKeySecret + "&"` over the string to sign.
 *
 * @example
 * const { signature, query } = await signRpc('GET', params, secret);
 * fetch(`${endpoint}/?${query}&Signature=${percentEncode(signature)}`);
 */
export async function signRpc(
  method: string,
  params: RpcParameters,
  accessKeySecret: string,
): Promise<{ signature: string; query: string; stringToSign: string }> {
  const query = canonicalizeRpcQuery(params);
  const stringToSign = rpcStringToSign(method, query);
  const mac = hmacEncoded('SHA-1', `${accessKeySecret}&`, stringToSign, 'base64');
  const signature = typeof mac === 'string' ? mac : await mac;
  return { signature, query, stringToSign };
}
