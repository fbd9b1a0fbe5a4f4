/**
 * The hashing the signers need, on WebCrypto only (browsers, Deno, edge workers, Node ≥ 20).
 * Imported HMAC keys are cached per secret string for the life of the process, because
 * `importKey` costs more than the HMAC itself; the cache holds CryptoKeys, which cannot be
 * exported (`extractable: false`).
 */
const encoder = new TextEncoder();
const keyCache = new Map<string, CryptoKey>();
const KEY_CACHE_LIMIT = 64;

export type HmacHash = 'SHA-1' | 'SHA-256';

async function hmacKey(secret: string, hash: HmacHash): Promise<CryptoKey> {
  const cacheKey = `${hash}\u0000${secret}`;
  const cached = keyCache.get(cacheKey);
  if (cached) return cached;
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(cacheKey, key);
  return key;
}

export async function hmac(hash: HmacHash, secret: string, message: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret, hash), encoder.encode(message)));
}

export async function sha256Hex(message: string | Uint8Array): Promise<string> {
  const data = typeof message === 'string' ? encoder.encode(message) : message;
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>)));
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
