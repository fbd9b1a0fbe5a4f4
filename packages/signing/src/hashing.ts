/**
 * The hashing the signers need. On Node (and runtimes with `process.getBuiltinModule`) it is
 * synchronous `node:crypto`: no thread-pool hand-off, no key import, about half the cost of
 * WebCrypto per call. Elsewhere (browsers, workers) it is WebCrypto, whose imported HMAC keys are
 * cached per secret for the life of the page; the cache holds CryptoKeys, which cannot be exported
 * (`extractable: false`). Both give byte-identical results (checked against the official vectors).
 */
import type * as NodeCrypto from 'node:crypto';

export type HmacHash = 'SHA-1' | 'SHA-256';

// Looked up at run time, so bundlers for the browser never see a `node:crypto` import.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as typeof NodeCrypto | undefined;

const encoder = new TextEncoder();
const keyCache = new Map<string, CryptoKey>();
const KEY_CACHE_LIMIT = 64;

async function webHmacKey(secret: string, hash: HmacHash): Promise<CryptoKey> {
  const cacheKey = `${hash}\u0000${secret}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(cacheKey, key);
  return key;
}

const nodeHash = { 'SHA-1': 'sha1', 'SHA-256': 'sha256' } as const;

/**
 * One implementation of the primitives. node:crypto answers synchronously (a plain value), so
 * a signer on Node pays no promise hop per hash; WebCrypto answers with promises.
 */
export interface Hashing {
  hmac(hash: HmacHash, secret: string, message: string): Promise<Uint8Array>;
  hmacEncoded(hash: HmacHash, secret: string, message: string, encoding: 'hex' | 'base64'): string | Promise<string>;
  sha256Hex(message: string | Uint8Array): string | Promise<string>;
}

export const webHashing: Hashing = {
  async hmac(hash, secret, message) {
    return new Uint8Array(await crypto.subtle.sign('HMAC', await webHmacKey(secret, hash), encoder.encode(message)));
  },
  async hmacEncoded(hash, secret, message, encoding) {
    const bytes = await webHashing.hmac(hash, secret, message);
    return encoding === 'hex' ? toHex(bytes) : toBase64(bytes);
  },
  async sha256Hex(message) {
    const data = typeof message === 'string' ? encoder.encode(message) : message;
    return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)));
  },
};

/** `undefined` where `node:crypto` is not available. */
export const nodeHashing: Hashing | undefined = nodeCrypto && {
  async hmac(hash, secret, message) {
    return nodeCrypto.createHmac(nodeHash[hash], secret).update(message, 'utf8').digest();
  },
  hmacEncoded(hash, secret, message, encoding) {
    return nodeCrypto.createHmac(nodeHash[hash], secret).update(message, 'utf8').digest(encoding);
  },
  sha256Hex(message) {
    return nodeCrypto.createHash('sha256').update(message).digest('hex');
  },
};

const hashing = nodeHashing ?? webHashing;

export function hmac(hash: HmacHash, secret: string, message: string): Promise<Uint8Array> {
  return hashing.hmac(hash, secret, message);
}

export async function sha256Hex(message: string | Uint8Array): Promise<string> {
  return hashing.sha256Hex(message);
}

/** The HMAC as hex or Base64: a plain string on Node, a promise of one elsewhere. */
export function hmacEncoded(
  hash: HmacHash,
  secret: string,
  message: string,
  encoding: 'hex' | 'base64',
): string | Promise<string> {
  return hashing.hmacEncoded(hash, secret, message, encoding);
}

/** SHA-256 as hex: a plain string on Node, a promise of one elsewhere. */
export function sha256HexNow(message: string | Uint8Array): string | Promise<string> {
  return hashing.sha256Hex(message);
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** SHA-256 of the empty body, the `x-acs-content-sha256` of every QueryTask request. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
