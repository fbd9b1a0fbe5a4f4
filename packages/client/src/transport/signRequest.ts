import { EMPTY_BODY_SHA256, percentEncode, signRpc, signV3 } from '@iot-task/signing';
import type { ActionDescriptor } from '@iot-task/spec';
import type { Credentials } from '../credentials.ts';
import { baseUrlFor } from '../endpoints.ts';
import type { OutgoingRequest } from './send.ts';
import { acceptOf, requestRoot, type SigningSettings, signatureFor } from './signatureChoice.ts';

// Second precision, as the gateway expects: the text changes once a second, so it is made once.
let lastSecond = Number.NaN;
let lastTimestamp = '';
function timestamp(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastTimestamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastTimestamp;
}

// A random 128-bit prefix per process, then a counter: unique across processes and calls, at
// the cost of one increment per call. A nonce only has to be unused, not unpredictable: the
// signature covers it.
const NONCE_PREFIX = crypto.randomUUID().replaceAll('-', '');
let nonces = 0;
function nonce(): string {
  nonces += 1;
  return `${NONCE_PREFIX}${nonces.toString(36)}`;
}

const hosts = new Map<string, string>();

/** The `host` header a V3 signature covers: the endpoint's, or the page's for a relative endpoint. */
function hostOf(baseUrl: string): string {
  let host = hosts.get(baseUrl);
  if (host === undefined) {
    const location = (globalThis as { location?: { href?: string } }).location?.href;
    host = new URL(baseUrl, location ?? 'http://localhost').host;
    // Endpoints are few; a relative one follows the page, which does not change under a client.
    if (hosts.size < 64) hosts.set(baseUrl, host);
  }
  return host;
}

/**
 * The sign stage: the request for one attempt, with a fresh nonce and timestamp. V3 puts the
 * action and version in headers and signs them with the query; V1 puts every common parameter in
 * the query and signs that.
 */
export async function signRequest(
  settings: SigningSettings,
  descriptor: ActionDescriptor,
  query: Readonly<Record<string, string>>,
  credentials: Credentials,
): Promise<OutgoingRequest> {
  const { action, family } = descriptor;
  const accept = acceptOf(settings);
  const baseUrl = baseUrlFor(settings.endpoint, family);
  const base = requestRoot(baseUrl);
  const method = settings.method;
  const signature = signatureFor(settings, descriptor);
  if (signature === 'v1') {
    const all: Record<string, string> = {
      ...query,
      Action: action,
      Version: family.version,
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
    host: hostOf(baseUrl),
    'x-acs-action': action,
    'x-acs-version': family.version,
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
