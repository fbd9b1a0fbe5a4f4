import { percentEncode } from '@iot-task/signing/encoding';
import type { Credentials } from './credentials.ts';

const MASK = '***';

/** The forms a value takes on the wire and in a string to sign: as is, percent-encoded, and encoded twice. */
function forms(value: string): string[] {
  const once = percentEncode(value);
  return [...new Set([value, once, percentEncode(once), encodeURIComponent(value)])].sort(
    (a, b) => b.length - a.length,
  );
}

/**
 * Text (a server message, a body to forward) with every secret masked: the AccessKey secret and
 * the STS token wherever they occur, in any of their encodings — the gateway's
 * `SignatureDoesNotMatch` message quotes its string to sign, which holds `SecurityToken=…` — and
 * the value of any `SecurityToken`/`Signature` parameter even when the credentials that signed it
 * are not at hand.
 */
export function redactSecrets(text: string, credentials?: Credentials): string {
  let out = text;
  for (const secret of [credentials?.securityToken, credentials?.accessKeySecret]) {
    if (secret === undefined || secret.length < 4) continue;
    for (const form of forms(secret)) out = out.split(form).join(MASK);
  }
  // `SecurityToken=…` / `Signature=…` in a query string, and the same inside a string to sign
  // (`%3D` … `%26`, `%253D` … `%2526`).
  return out.replace(
    /((?:SecurityToken|Signature)(?:=|%3D|%253D))(.*?)(?=&|%26|%2526|\s|$)/g,
    (_, name: string) => `${name}${MASK}`,
  );
}
