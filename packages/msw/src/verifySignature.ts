import { sha256Hex, signRpc, signV3 } from '@iot-task/client';
import type { NonceCache } from './nonceCache.ts';
import type { RpcRequest } from './readRpcRequest.ts';

/** A gateway error code, and the message the gateway sends with it when it is not the catalogue's. */
export interface SignatureFailure {
  code: string;
  message?: string;
}

export interface SignatureCheck {
  /** AccessKey ID → secret. */
  credentials: Readonly<Record<string, string>>;
  nonces: NonceCache;
  now: number;
  /** How far a timestamp may be from `now`. @default 15 minutes */
  maxSkewMs?: number;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;
const AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/;

function checkTime(value: string | undefined, check: SignatureCheck): SignatureFailure | undefined {
  if (value === undefined) return { code: 'IncompleteSignature' };
  const at = TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return { code: 'InvalidTimeStamp.Format' };
  if (Math.abs(check.now - at) > (check.maxSkewMs ?? 15 * 60_000)) return { code: 'InvalidTimeStamp.Expired' };
  return undefined;
}

function mismatch(stringToSign: string): SignatureFailure {
  return {
    code: 'SignatureDoesNotMatch',
    message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
  };
}

/**
 * Verifies a request as the gateway does, for both signature versions: known AccessKey,
 * well-formed fresh timestamp, unused nonce, and a signature equal to the one recomputed from
 * the request (the V3 one over exactly the headers it lists). Returns the AccessKey ID, or the
 * failure. The nonce is recorded only once the signature is valid.
 */
export async function verifySignature(
  request: Request,
  rpc: RpcRequest,
  check: SignatureCheck,
): Promise<{ accessKeyId: string } | { failure: SignatureFailure }> {
  if (rpc.signatureVersion === 'v3') {
    const match = AUTHORIZATION.exec(request.headers.get('authorization') ?? '');
    if (!match) return { failure: { code: 'IncompleteSignature' } };
    const [, accessKeyId, signedList, signature] = match as unknown as [string, string, string, string];
    const secret = check.credentials[accessKeyId];
    if (secret === undefined) return { failure: { code: 'InvalidAccessKeyId.NotFound' } };
    const timeFailure = checkTime(request.headers.get('x-acs-date') ?? undefined, check);
    if (timeFailure) return { failure: timeFailure };
    const nonce = request.headers.get('x-acs-signature-nonce');
    const payloadHash = request.headers.get('x-acs-content-sha256');
    if (!nonce || !payloadHash || !request.headers.get('x-acs-action'))
      return { failure: { code: 'IncompleteSignature' } };
    if ((await sha256Hex(rpc.body)) !== payloadHash)
      return { failure: { code: 'SignatureDoesNotMatch', message: 'x-acs-content-sha256 does not match the body' } };
    const host = new URL(request.url).host;
    const headers: Record<string, string> = {};
    for (const name of signedList.split(';'))
      headers[name] = name === 'host' ? host : (request.headers.get(name) ?? '');
    const expected = await signV3(
      { method: rpc.method, pathname: '/', query: rpc.query, headers, payloadHash },
      accessKeyId,
      secret,
    );
    if (expected.signature !== signature) return { failure: mismatch(expected.stringToSign) };
    if (!check.nonces.record(accessKeyId, nonce, check.now)) return { failure: { code: 'SignatureNonceUsed' } };
    return { accessKeyId };
  }
  if (rpc.signatureVersion === 'v1') {
    const { AccessKeyId, SignatureMethod, SignatureNonce, Timestamp, Signature } = rpc.params;
    if (!AccessKeyId || !SignatureNonce || !Signature) return { failure: { code: 'IncompleteSignature' } };
    if (SignatureMethod !== 'HMAC-SHA1') return { failure: { code: 'InvalidSignatureMethod' } };
    const secret = check.credentials[AccessKeyId];
    if (secret === undefined) return { failure: { code: 'InvalidAccessKeyId.NotFound' } };
    const timeFailure = checkTime(Timestamp, check);
    if (timeFailure) return { failure: timeFailure };
    const expected = await signRpc(rpc.method, rpc.params, secret);
    if (expected.signature !== Signature) return { failure: mismatch(expected.stringToSign) };
    if (!check.nonces.record(AccessKeyId, SignatureNonce, check.now))
      return { failure: { code: 'SignatureNonceUsed' } };
    return { accessKeyId: AccessKeyId };
  }
  return { failure: { code: 'IncompleteSignature', message: 'The request carries no signature.' } };
}
