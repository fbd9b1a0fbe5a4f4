import type { Credentials } from '../credentials.ts';
import { redactSecrets } from '../redactSecrets.ts';

const MASK = '***';

// What a request is signed with, as the service may quote it back: a query string or a string to
// sign (`=`, `%3D`, `%253D`), a V3 `Authorization` value (`Credential=<AccessKeyId>,…,Signature=…`)
// and the canonical headers (`authorization:`, `x-acs-security-token:`), whatever the case.
const NAMED_VALUE =
  /((?:Signature|AccessKeyId|SecurityToken|AccessKeySecret|Credential)(?:=|%3D|%253D)|(?:Authorization|x-acs-security-token)(?:[ \t]*:[ \t]*|%3A|%253A))(.*?)(?=&|%26|%2526|\s|["'<>,;]|\\n|$)/gi;
// The same names as fields of JSON or XML text inside a string (StatusDetail is JSON text).
const NAMES = 'Signature|AccessKeyId|SecurityToken|AccessKeySecret|Authorization|Credential';
const JSON_FIELD = new RegExp(`"(${NAMES})"(\\s*):(\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const XML_ELEMENT = new RegExp(`<(${NAMES})>[^<]*</\\1>`, 'gi');
/** Field names whose whole value is signing material, compared lower-case without `-`/`_`. */
const SIGNING_FIELDS = new Set([
  'signature',
  'accesskeyid',
  'securitytoken',
  'accesskeysecret',
  'authorization',
  'credential',
  'xacssecuritytoken',
]);

/** Deeper than this, an answer is not walked (the client's check against the spec refuses it anyway). */
const MAX_DEPTH = 64;

function maskText(text: string, signedWith: readonly Credentials[]): string {
  let out = text;
  for (const credentials of signedWith) {
    out = redactSecrets(out, credentials);
    // The AccessKey ID is no secret to the client (it goes in every request), but the browser has
    // no business knowing which key the server holds; IDs are long, a short one is not looked for.
    if (credentials.accessKeyId.length >= 8) out = out.split(credentials.accessKeyId).join(MASK);
  }
  return out
    .replace(NAMED_VALUE, (_, name: string) => `${name}${MASK}`)
    .replace(JSON_FIELD, (_, name: string, before: string, after: string) => `"${name}"${before}:${after}"${MASK}"`)
    .replace(XML_ELEMENT, (_, name: string) => `<${name}>${MASK}</${name}>`);
}

/**
 * A value the proxy is about to answer the browser with, with any signing material the service
 * echoed masked: the values of fields named for it, the named values in every string, and the
 * credentials it signed with wherever they occur. The client masks the secret and the STS token
 * already; the proxy masks more (the AccessKey ID, the signature itself) because what it answers
 * crosses to a browser, which must learn nothing of how the server signs.
 */
export function maskSigningMaterial<T>(value: T, signedWith: readonly Credentials[]): T {
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return maskText(item, signedWith);
    if (item === null || typeof item !== 'object' || depth > MAX_DEPTH) return item;
    if (Array.isArray(item)) return item.map((entry) => walk(entry, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(item)) {
      out[key] = SIGNING_FIELDS.has(key.toLowerCase().replace(/[-_]/g, '')) ? MASK : walk(entry, depth + 1);
    }
    return out;
  };
  return walk(value, 0) as T;
}
