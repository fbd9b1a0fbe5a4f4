import { percentEncode, signRpc } from '@iot-task/client';
import { apiVersion } from '@iot-task/spec';
import type { ContractTarget } from './targets.ts';

/**
 * A raw, correctly signed RPC (HMAC-SHA1) request with exactly the parameters given — how the
 * negative cases send what our client would refuse to send (a missing or invalid parameter).
 */
export async function signedRpcRequest(
  target: ContractTarget,
  action: string,
  params: Record<string, string>,
  options: { tamper?: boolean } = {},
): Promise<Request> {
  const all: Record<string, string> = {
    ...params,
    Action: action,
    Version: apiVersion,
    Format: 'JSON',
    AccessKeyId: target.credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: crypto.randomUUID(),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(target.credentials.securityToken ? { SecurityToken: target.credentials.securityToken } : {}),
  };
  const { signature, query } = await signRpc('POST', all, target.credentials.accessKeySecret);
  // Tampering flips the first character: still Base64, no longer the signature.
  const sent = options.tamper ? `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}` : signature;
  return new Request(`${target.baseUrl}/?${query}&Signature=${percentEncode(sent)}`, { method: 'POST' });
}
