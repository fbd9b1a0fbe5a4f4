/**
 * An independent implementation of both Alibaba Cloud signatures, on node:crypto and a
 * byte-level encoder, written apart from src/ so the client's signer is checked against
 * something it does not share code with.
 */
import { createHash, createHmac } from 'node:crypto';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

export function referenceEncode(value: string): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function sortedPairs(params: Record<string, string>): string {
  return Object.entries(params)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${referenceEncode(k)}=${referenceEncode(v)}`)
    .join('&');
}

export function referenceRpcSignature(method: string, params: Record<string, string>, secret: string): string {
  const { Signature: _ignored, ...rest } = params;
  const stringToSign = `${method}&${referenceEncode('/')}&${referenceEncode(sortedPairs(rest))}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign, 'utf8').digest('base64');
}

export function referenceV3Signature(
  method: string,
  query: Record<string, string>,
  headers: Record<string, string>,
  signedHeaders: string[],
  body: string,
  secret: string,
): string {
  const names = [...signedHeaders].map((h) => h.toLowerCase()).sort();
  const canonical = [
    method,
    '/',
    sortedPairs(query),
    ...names.map((n) => `${n}:${(headers[n] ?? '').trim()}`),
    '',
    names.join(';'),
    createHash('sha256').update(body).digest('hex'),
  ].join('\n');
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonical).digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

/** Verifies a request as the gateway would; returns what failed, or undefined when valid. */
export function verifyRequest(request: Request, secrets: Record<string, string>): string | undefined {
  const url = new URL(request.url);
  const query = Object.fromEntries(url.searchParams);
  const authorization = request.headers.get('authorization');
  if (authorization) {
    const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(
      authorization,
    );
    if (!match) return 'IncompleteSignature';
    const [, keyId, signed, signature] = match as unknown as [string, string, string, string];
    const secret = secrets[keyId];
    if (secret === undefined) return 'InvalidAccessKeyId.NotFound';
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const expected = referenceV3Signature(request.method, query, headers, signed.split(';'), '', secret);
    return expected === signature ? undefined : 'SignatureDoesNotMatch';
  }
  const keyId = query.AccessKeyId;
  if (!keyId || !query.Signature) return 'IncompleteSignature';
  const secret = secrets[keyId];
  if (secret === undefined) return 'InvalidAccessKeyId.NotFound';
  return referenceRpcSignature(request.method, query, secret) === query.Signature ? undefined : 'SignatureDoesNotMatch';
}
