import { canonicalizeV3Query, EMPTY_BODY_SHA256, percentEncode, signRpc, signV3 } from '@iot-task/signing';
import { apiVersion } from '@iot-task/spec';
import type { Credentials } from '../credentials.ts';
import type { OutgoingRequest } from './send.ts';

/**
 * `v3`: ACS3-HMAC-SHA256; `v1`: RPC HMAC-SHA1; `none`: send unsigned, to a same-origin endpoint
 * that signs on the server (see createSigningProxy) — for browsers, which must hold no secret.
 */
export type SignatureVersion = 'v3' | 'v1' | 'none';
export type ResponseFormat = 'JSON' | 'XML';

export interface SigningSettings {
  baseUrl: string;
  method: 'GET' | 'POST';
  signatureVersion: SignatureVersion;
  format: ResponseFormat;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function nonce(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/** The origin and path requests go to, without a trailing slash; a relative base stays relative. */
function root(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** The `host` header a V3 signature covers: the endpoint's, or the page's for a relative endpoint. */
function hostOf(baseUrl: string): string {
  const location = (globalThis as { location?: { href?: string } }).location?.href;
  return new URL(baseUrl, location ?? 'http://localhost').host;
}

/**
 * The sign stage: the request for one attempt, with a fresh nonce and timestamp. V3 puts the
 * action and version in headers and signs them with the query; V1 puts every common parameter in
 * the query and signs that; `none` sends the action and parameters as they are.
 */
export async function signRequest(
  settings: SigningSettings,
  action: string,
  query: Readonly<Record<string, string>>,
  credentials: Credentials | undefined,
): Promise<OutgoingRequest> {
  const accept = settings.format === 'XML' ? 'text/xml' : 'application/json';
  const base = root(settings.baseUrl);
  const method = settings.method;
  if (settings.signatureVersion === 'none' || credentials === undefined) {
    const unsigned = canonicalizeV3Query({ ...query, Action: action, Format: settings.format });
    return { url: `${base}/?${unsigned}`, method, headers: { accept } };
  }
  if (settings.signatureVersion === 'v1') {
    const all: Record<string, string> = {
      ...query,
      Action: action,
      Version: apiVersion,
      Format: settings.format,
      AccessKeyId: credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: nonce(),
      Timestamp: timestamp(),
    };
    if (credentials.securityToken) all.SecurityToken = credentials.securityToken;
    const signed = await signRpc(method, all, credentials.accessKeySecret);
    return {
      url: `${base}/?${signed.query}&Signature=${percentEncode(signed.signature)}`,
      method,
      headers: { accept },
    };
  }
  const signedHeaders: Record<string, string> = {
    host: hostOf(settings.baseUrl),
    'x-acs-action': action,
    'x-acs-version': apiVersion,
    'x-acs-date': timestamp(),
    'x-acs-signature-nonce': nonce(),
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
  };
  if (credentials.securityToken) signedHeaders['x-acs-security-token'] = credentials.securityToken;
  const { authorization, canonicalQuery } = await signV3(
    {
      method,
      pathname: '/',
      query: { ...query, Format: settings.format },
      headers: signedHeaders,
      payloadHash: EMPTY_BODY_SHA256,
    },
    credentials.accessKeyId,
    credentials.accessKeySecret,
  );
  // `host` is signed but set by the HTTP stack from the URL (browsers forbid setting it).
  const { host: _host, ...sent } = signedHeaders;
  return { url: `${base}/?${canonicalQuery}`, method, headers: { ...sent, accept, authorization } };
}
