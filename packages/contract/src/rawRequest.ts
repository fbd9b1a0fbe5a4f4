import type { Credentials } from '@iot-task/client';
import { percentEncode, sha256Hex, signRpc, signV3 } from '@iot-task/signing';
import { type ActionDescriptor, actions } from '@iot-task/spec';

export interface RawRequestOptions {
  action: string;
  /** The action's own parameters, as they travel (strings). */
  params: Readonly<Record<string, string>>;
  signature: 'v1' | 'v3';
  format: 'JSON' | 'XML';
  credentials: Credentials;
  /** @default 'POST', as the official SDK sends */
  method?: 'GET' | 'POST';
  /** @default the spec's API version */
  version?: string;
  /** Request time as sent; @default now, to the second */
  timestamp?: string;
  /** @default a fresh random one */
  nonce?: string;
  /** Sign, then change one character of the signature. */
  tamper?: boolean;
  /** V1 only: common parameters to send instead of the right ones (`Format`, `SignatureVersion`, …), signed. */
  protocol?: Readonly<Record<string, string>>;
  /**
   * Leave these parts out and sign what remains — a correctly signed request that lacks them:
   * query parameters (V1), headers (V3), or the signature itself (`Signature`, `Authorization`).
   */
  omit?: readonly string[];
  /** `Format` as it travels, when not exactly `format` (the official SDK sends `json`). */
  formatAs?: string;
  /** V3 only: list only `host` in SignedHeaders, sending the `x-acs-*` headers unsigned. */
  signOnlyHost?: boolean;
  /** V3 only: a request body that is not the one `x-acs-content-sha256` (of the empty body) covers. */
  unhashedBody?: string;
}

export function utcSeconds(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function flip(signature: string): string {
  const first = signature[0];
  const replacement = first === 'A' ? 'B' : first === '0' ? '1' : first === 'a' ? 'b' : 'A';
  return `${replacement}${signature.slice(1)}`;
}

function without<T extends Record<string, string>>(record: T, omit: ReadonlySet<string>): T {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !omit.has(name))) as T;
}

/**
 * A request signed exactly as the gateway expects (V3 or RPC HMAC-SHA1) with exactly the
 * parameters given — how the kit sends what our client would refuse to send: a missing or invalid
 * parameter, an old timestamp, a reused nonce, a wrong secret, a signature part left out. Sent to
 * `baseUrl` + `/` (a base URL with a path, such as a proxy's prefix, keeps it).
 */
/** The API version of an action's family; an action the spec lacks (the unknown-action case) gets the first family's. */
function versionOf(action: string): string {
  const table = actions as Readonly<Record<string, ActionDescriptor>>;
  const descriptor = Object.hasOwn(table, action) ? table[action] : Object.values(table)[0];
  return descriptor?.family.version ?? '';
}

export async function rawRequest(baseUrl: string, options: RawRequestOptions): Promise<Request> {
  const method = options.method ?? 'POST';
  const timestamp = options.timestamp ?? utcSeconds(Date.now());
  const nonce = options.nonce ?? crypto.randomUUID().replaceAll('-', '');
  const { accessKeyId, accessKeySecret, securityToken } = options.credentials;
  const omit = new Set(options.omit ?? []);
  const root = baseUrl.replace(/\/+$/, '');
  if (options.signature === 'v1') {
    const all = without(
      {
        ...options.params,
        Action: options.action,
        Version: options.version ?? versionOf(options.action),
        Format: options.formatAs ?? options.format,
        AccessKeyId: accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: nonce,
        Timestamp: timestamp,
        ...(securityToken ? { SecurityToken: securityToken } : {}),
        ...options.protocol,
      } as Record<string, string>,
      omit,
    );
    const { signature, query } = await signRpc(method, all, accessKeySecret);
    const signed = omit.has('Signature')
      ? ''
      : `&Signature=${percentEncode(options.tamper ? flip(signature) : signature)}`;
    return new Request(`${root}/?${query}${signed}`, { method });
  }
  const payloadHash = await sha256Hex('');
  const headers = without(
    {
      host: new URL(root).host,
      'x-acs-action': options.action,
      'x-acs-version': options.version ?? versionOf(options.action),
      'x-acs-date': timestamp,
      'x-acs-signature-nonce': nonce,
      'x-acs-content-sha256': payloadHash,
      ...(securityToken ? { 'x-acs-security-token': securityToken } : {}),
    } as Record<string, string>,
    omit,
  );
  const signedHeaders = options.signOnlyHost ? { host: headers.host as string } : headers;
  const signed = await signV3(
    {
      method,
      pathname: '/',
      query: { ...options.params, Format: options.formatAs ?? options.format },
      headers: signedHeaders,
      payloadHash,
    },
    accessKeyId,
    accessKeySecret,
  );
  const authorization = options.tamper
    ? signed.authorization.replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)
    : signed.authorization;
  // `host` is signed; fetch sets it from the URL.
  const { host: _host, ...rest } = headers;
  const sent: Record<string, string> = {
    ...rest,
    accept: options.format === 'XML' ? 'text/xml' : 'application/json',
    ...(omit.has('Authorization') ? {} : { authorization }),
  };
  if (options.unhashedBody !== undefined) sent['content-type'] = 'application/x-www-form-urlencoded';
  return new Request(`${root}/?${signed.canonicalQuery}`, {
    method,
    headers: sent,
    ...(options.unhashedBody !== undefined ? { body: options.unhashedBody } : {}),
  });
}
