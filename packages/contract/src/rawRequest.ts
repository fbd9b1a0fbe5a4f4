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
  /**
   * Sign, then change the signature: its first character, its last (a server comparing a prefix
   * passes the first), or only the letter case of one character (V1: Base64, where case matters).
   */
  tamper?: Tamper;
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

export type Tamper = 'first-character' | 'middle-character' | 'last-character' | 'letter-case';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';

/** Another character of the alphabet, differing in a bit the signature's bytes hold (for Base64's last character too, never a padding bit). */
function other(c: string, alphabet: string): string {
  return alphabet[alphabet.indexOf(c) ^ (alphabet === BASE64 ? 32 : 8)] ?? (alphabet[0] as string);
}

/** The signature changed as `tamper` says: it must no longer verify. */
export function tampered(signature: string, tamper: Tamper): string {
  const alphabet = /^[0-9a-f]+$/i.test(signature) ? HEX : BASE64;
  const body = signature.replace(/=+$/, '');
  const padding = signature.slice(body.length);
  const change = (index: number, to: (c: string) => string) =>
    `${body.slice(0, index)}${to(body[index] as string)}${body.slice(index + 1)}${padding}`;
  if (tamper === 'first-character') return change(0, (c) => other(c, alphabet));
  if (tamper === 'last-character') return change(body.length - 1, (c) => other(c, alphabet));
  if (tamper === 'middle-character') return change(Math.floor(body.length / 2), (c) => other(c, alphabet));
  // The first letter, its case swapped: the same text to a comparison that ignores case.
  const letter = [...body].findIndex((c) => /[a-z]/i.test(c));
  return change(letter, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));
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
      : `&Signature=${percentEncode(options.tamper ? tampered(signature, options.tamper) : signature)}`;
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
  const tamper = options.tamper;
  const authorization = tamper
    ? signed.authorization.replace(/Signature=([0-9a-f]+)/, (_, hex: string) => `Signature=${tampered(hex, tamper)}`)
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
