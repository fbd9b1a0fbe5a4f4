import { sha256Hex, signRpc, signV3 } from '@iot-task/signing';
import { type CompactSchema, commonParameters } from '@iot-task/spec';
import type { GatewayChecks } from './gatewayChecks.ts';
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
  /** Which of the verification checks run (the others are switched off). */
  checks: Pick<GatewayChecks, 'signature' | 'signedHeaders' | 'bodyHash' | 'accessKey' | 'timestamp' | 'nonce'>;
  /** How far a timestamp may be from `now`. @default 15 minutes */
  maxSkewMs?: number;
}

/** The spec's form of a request time (`Timestamp`, `x-acs-date`): refused exactly when it does not match. */
function timePattern(name: 'Timestamp' | 'x-acs-date'): RegExp {
  const schema: CompactSchema | undefined = commonParameters.find((p) => p.name === name)?.schema;
  const pattern = schema?.pattern;
  if (!pattern) throw new Error(`the spec gives ${name} no pattern`);
  return new RegExp(pattern);
}
const TIMESTAMP = timePattern('Timestamp');
const ACS_DATE = timePattern('x-acs-date');
/** A header name as SignedHeaders lists it: an HTTP token, in lower case. */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/;

function checkTime(value: string | undefined, form: RegExp, check: SignatureCheck): SignatureFailure | undefined {
  if (value === undefined) return { code: 'IncompleteSignature' };
  if (!check.checks.timestamp) return undefined;
  const at = form.test(value) ? Date.parse(value) : Number.NaN;
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

/** The secret of a key; with the access-key check off, an unknown key is let through unverified. */
function secretOf(accessKeyId: string, check: SignatureCheck): { secret?: string } | { failure: SignatureFailure } {
  const secret = Object.hasOwn(check.credentials, accessKeyId) ? check.credentials[accessKeyId] : undefined;
  if (secret === undefined && check.checks.accessKey) return { failure: { code: 'InvalidAccessKeyId.NotFound' } };
  return secret === undefined ? {} : { secret };
}

/**
 * Verifies a request as the gateway does, for both signature versions: known AccessKey,
 * well-formed fresh timestamp, unused nonce, and a signature equal to the one recomputed from
 * the request (the V3 one over exactly the headers it lists, `host` as the request carries it —
 * so a call through a port mapping or a forwarding proxy verifies as it would at the gateway).
 * Returns the AccessKey ID, or the failure. The nonce is recorded only once the signature is
 * valid. Each check can be switched off (`checks`), as a mock of a broken gateway would be.
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
    const badName = signedList.split(';').find((name) => !HEADER_NAME.test(name));
    if (badName !== undefined) {
      return {
        failure: {
          code: 'IncompleteSignature',
          message: `SignedHeaders lists ${JSON.stringify(badName)}, which is not a lower-case header name`,
        },
      };
    }
    const key = secretOf(accessKeyId, check);
    if ('failure' in key) return key;
    const timeFailure = checkTime(request.headers.get('x-acs-date') ?? undefined, ACS_DATE, check);
    if (timeFailure) return { failure: timeFailure };
    const nonce = request.headers.get('x-acs-signature-nonce');
    const payloadHash = request.headers.get('x-acs-content-sha256');
    if (!nonce || !payloadHash || !request.headers.get('x-acs-action'))
      return { failure: { code: 'IncompleteSignature' } };
    if (check.checks.signedHeaders) {
      // Every header the scheme protects must be signed: otherwise the nonce, the date or the
      // action could be changed and the signature replayed.
      const listed = new Set(signedList.split(';'));
      const unsigned = ['host', ...[...request.headers.keys()].filter((n) => n.startsWith('x-acs-'))].filter(
        (name) => !listed.has(name),
      );
      if (unsigned.length > 0) {
        return {
          failure: {
            code: 'IncompleteSignature',
            message: `SignedHeaders must cover host and every x-acs-* header; not signed: ${unsigned.join(', ')}`,
          },
        };
      }
    }
    if (check.checks.bodyHash && (await sha256Hex(rpc.body)) !== payloadHash) {
      return { failure: { code: 'SignatureDoesNotMatch', message: 'x-acs-content-sha256 does not match the body' } };
    }
    if (check.checks.signature && key.secret !== undefined) {
      const host = request.headers.get('host') ?? new URL(request.url).host;
      const headers: Record<string, string> = {};
      for (const name of signedList.split(';'))
        headers[name] = name === 'host' ? host : (request.headers.get(name) ?? '');
      const expected = await signV3(
        { method: rpc.method, pathname: '/', query: rpc.query, headers, payloadHash },
        accessKeyId,
        key.secret,
      );
      if (expected.signature !== signature) return { failure: mismatch(expected.stringToSign) };
    }
    if (check.checks.nonce && !check.nonces.record(accessKeyId, nonce, check.now))
      return { failure: { code: 'SignatureNonceUsed' } };
    return { accessKeyId };
  }
  if (rpc.signatureVersion === 'v1') {
    const { AccessKeyId, SignatureMethod, SignatureVersion, SignatureNonce, Timestamp, Signature } = rpc.params;
    if (!AccessKeyId || !SignatureNonce || !Signature || !SignatureVersion)
      return { failure: { code: 'IncompleteSignature' } };
    if (SignatureMethod !== 'HMAC-SHA1') return { failure: { code: 'InvalidSignatureMethod' } };
    const key = secretOf(AccessKeyId, check);
    if ('failure' in key) return key;
    const timeFailure = checkTime(Timestamp, TIMESTAMP, check);
    if (timeFailure) return { failure: timeFailure };
    if (check.checks.signature && key.secret !== undefined) {
      const expected = await signRpc(rpc.method, rpc.params, key.secret);
      if (expected.signature !== Signature) return { failure: mismatch(expected.stringToSign) };
    }
    if (check.checks.nonce && !check.nonces.record(AccessKeyId, SignatureNonce, check.now))
      return { failure: { code: 'SignatureNonceUsed' } };
    return { accessKeyId: AccessKeyId };
  }
  return { failure: { code: 'IncompleteSignature', message: 'The request carries no signature.' } };
}
