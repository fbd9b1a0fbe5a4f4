import { percentEncode } from '@iot-task/signing/encoding';
import type { Credentials } from './credentials.ts';

const MASK = '***';

/** Regex source matching `text` literally, with every `%XX` escape in either case. */
function literal(text: string): string {
  return text
    .replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    .replace(
      /%([0-9A-F])([0-9A-F])/g,
      (_, a: string, b: string) => `%[${a}${a.toLowerCase()}][${b}${b.toLowerCase()}]`,
    );
}

/**
 * The forms a value takes where a server may quote it: as is, percent-encoded once or twice (the
 * gateway's string to sign encodes the query again) with upper- or lower-case hex, as
 * `encodeURIComponent` writes it, and escaped inside a JSON or XML string.
 */
function forms(value: string): string[] {
  const once = percentEncode(value);
  const json = JSON.stringify(value).slice(1, -1);
  const xml = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return [value, once, percentEncode(once), encodeURIComponent(value), json, json.replace(/\//g, '\\/'), xml];
}

const known = new WeakMap<Credentials, RegExp | null>();

/** One pattern for every form of the credentials' secrets (the STS token, the AccessKey secret), built once. */
function secretsPattern(credentials: Credentials): RegExp | null {
  let pattern = known.get(credentials);
  if (pattern === undefined) {
    const sources = [credentials.securityToken, credentials.accessKeySecret]
      .filter((secret): secret is string => secret !== undefined && secret.length >= 4)
      .flatMap(forms)
      .sort((a, b) => b.length - a.length)
      .map(literal);
    pattern = sources.length === 0 ? null : new RegExp([...new Set(sources)].join('|'), 'g');
    known.set(credentials, pattern);
  }
  return pattern;
}

/**
 * Text with the credentials' own secrets masked wherever they occur, in any of their encodings.
 * The call applies it to every answer body before reading it, so no value read from a server —
 * a result, an error field, a snippet — can carry them.
 */
export function maskKnownSecrets(text: string, credentials: Credentials | undefined): string {
  const pattern = credentials && secretsPattern(credentials);
  return pattern ? text.replace(pattern, MASK) : text;
}

// `SecurityToken=…`, `Signature=…` in a query string or a string to sign (`%3D` … `%26`, and
// encoded twice), and `x-acs-security-token:…` in a V3 canonical request, whatever the hex case.
const NAMED_SECRET =
  /((?:SecurityToken|Signature|AccessKeySecret)(?:=|%3D|%253D)|x-acs-security-token(?::|%3A|%253A))(.*?)(?=&|%26|%2526|\s|["'<>,]|\\n|$)/gi;

/**
 * Text (a server message, a URL, a body to forward) with every secret masked: the credentials'
 * own secrets in any encoding, and the value of any `SecurityToken`/`Signature` parameter even
 * when the credentials that signed it are not at hand.
 */
export function redactSecrets(text: string, credentials?: Credentials): string {
  return maskKnownSecrets(text, credentials).replace(NAMED_SECRET, (_, name: string) => `${name}${MASK}`);
}

const SNIPPET = 200;

/**
 * The error with every string it carries — message, stack, code, request and host IDs,
 * recommendation, body snippet, drift details, the status it names — cleared of secrets, then
 * the body snippet cut to 200 characters (cut after masking, so no secret is left half-masked).
 * Every error a call throws passes through here.
 */
export function scrubError<E extends Error>(error: E, credentials: Credentials | undefined): E {
  const target = error as unknown as Record<string, unknown>;
  for (const key of [...Object.keys(target), 'message', 'stack']) {
    const value = target[key];
    if (typeof value === 'string') {
      let clean = redactSecrets(value, credentials);
      if (key === 'bodySnippet' && clean.length > SNIPPET) clean = `${clean.slice(0, SNIPPET)}…`;
      if (clean !== value) Object.defineProperty(error, key, { value: clean, writable: true, configurable: true });
    } else if (key === 'issues' && Array.isArray(value)) {
      target[key] = value.map((issue: Record<string, unknown>) => ({
        ...issue,
        expected: redactSecrets(String(issue.expected), credentials),
        received: redactSecrets(String(issue.received), credentials),
      }));
    }
  }
  return error;
}
