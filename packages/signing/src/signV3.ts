import { canonicalizeV3Query } from './canonicalQuery.ts';
import { hmacEncoded, sha256HexNow } from './hashing.ts';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

export interface V3Request {
  method: string;
  /** Always `/` for RPC actions. */
  pathname: string;
  /** Query parameters (already strings). */
  query: Readonly<Record<string, string>>;
  /** Headers to sign, any case; `host` and every `x-acs-*` header must be among them. */
  headers: Readonly<Record<string, string>>;
  /** Lowercase hex SHA-256 of the body. */
  payloadHash: string;
}

/** The canonical request and the `SignedHeaders` list of the ACS3-HMAC-SHA256 signature. */
export function v3CanonicalRequest(request: V3Request): {
  canonicalRequest: string;
  canonicalQuery: string;
  signedHeaders: string;
} {
  const names: string[] = [];
  const values: Record<string, string> = {};
  for (const name in request.headers) {
    const lower = name.toLowerCase();
    names.push(lower);
    values[lower] = (request.headers[name] as string).trim();
  }
  names.sort();
  const signedHeaders = names.join(';');
  const canonicalQuery = canonicalizeV3Query(request.query);
  let canonicalRequest = `${request.method.toUpperCase()}\n${request.pathname}\n${canonicalQuery}\n`;
  for (const name of names) canonicalRequest += `${name}:${values[name]}\n`;
  canonicalRequest += `\n${signedHeaders}\n${request.payloadHash}`;
  return { canonicalRequest, canonicalQuery, signedHeaders };
}

/**
 * Signs a request with ACS3-HMAC-SHA256 and returns the `Authorization` header value:
 * hex HMAC-SHA256 keyed with the raw secret (no `&`) over
 * `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
 */
export async function signV3(
  request: V3Request,
  accessKeyId: string,
  accessKeySecret: string,
): Promise<{
  authorization: string;
  signature: string;
  stringToSign: string;
  canonicalRequest: string;
  canonicalQuery: string;
}> {
  const { canonicalRequest, canonicalQuery, signedHeaders } = v3CanonicalRequest(request);
  // On Node both hashes are plain values: no promise hop unless the hashing is WebCrypto.
  const digest = sha256HexNow(canonicalRequest);
  const stringToSign = `${ACS3_ALGORITHM}\n${typeof digest === 'string' ? digest : await digest}`;
  const mac = hmacEncoded('SHA-256', accessKeySecret, stringToSign, 'hex');
  const signature = typeof mac === 'string' ? mac : await mac;
  return {
    authorization: `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
    signature,
    stringToSign,
    canonicalRequest,
    /** The query string exactly as signed: send this one. */
    canonicalQuery,
  };
}
