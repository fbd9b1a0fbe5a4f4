/**
 * Percent-encodes a name or value the way Alibaba Cloud signatures require (RFC 3986, UTF-8):
 * `A-Z a-z 0-9 - _ . ~` stay literal, every other byte becomes `%XY` (uppercase hex), so space is
 * `%20` (never `+`), `*` is `%2A` and `~` stays `~`.
 *
 * Throws `URIError` on a lone UTF-16 surrogate, which has no UTF-8 encoding; callers validate
 * input first (see validateParams).
 *
 * @example percentEncode('a b*~') // 'a%20b%2A~'
 */
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const RESERVED_LEFT = /[!'()*]/;
const RESERVED_LEFT_ALL = /[!'()*]/g;
const escapeReserved = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`;

export function percentEncode(value: string): string {
  // Most names and many values need nothing: skip the encoder for them.
  if (UNRESERVED.test(value)) return value;
  // encodeURIComponent leaves `! ' ( ) *` unencoded; RFC 3986 reserves them.
  const encoded = encodeURIComponent(value);
  return RESERVED_LEFT.test(encoded) ? encoded.replace(RESERVED_LEFT_ALL, escapeReserved) : encoded;
}
