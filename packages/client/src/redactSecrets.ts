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

/** Base64 of `value` as it reads inside longer base64 data, at each of the three alignments: the characters no neighbour changes. */
function base64Cores(value: string): string[] {
  const bytes = new TextEncoder().encode(value);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = btoa(String.fromCharCode(...padded));
    // The first characters mix in the padding, the last four the unknown bytes after.
    const core = encoded.slice(Math.ceil((offset * 4) / 3), -4);
    if (core.length >= 8) cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

/**
 * The forms a value takes where a server may quote it: as is, percent-encoded once or twice (the
 * gateway's string to sign encodes the query again) with upper- or lower-case hex, as
 * `encodeURIComponent` and a form body (`URLSearchParams`) write it, with its `+` read back as a
 * space, escaped inside a JSON or XML string, and in base64 (inside longer base64 data too).
 */
function formsOf(value: string): string[] {
  const once = percentEncode(value);
  const json = JSON.stringify(value).slice(1, -1);
  const xml = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  return [
    value,
    once,
    percentEncode(once),
    encodeURIComponent(value),
    form,
    value.replace(/\+/g, ' '),
    json,
    json.replace(/\//g, '\\/'),
    xml,
    ...base64Cores(value),
  ];
}

/** How the credentials' secrets are found in text: built once per credentials object. */
interface SecretMatcher {
  /** Every form of every secret, longest first. */
  forms: string[];
  /** One pattern for all of them; null without secrets. */
  pattern: RegExp | null;
  /**
   * For each secret, its longest run of letters and digits (at most 8): no encoding above
   * escapes those, so every form contains it. Null when a secret has no such run of 4.
   */
  anchors: string[] | null;
  /** The secrets long enough that a piece of them (PIECE characters) is itself a leak. */
  long: string[];
  /** Their PIECE/2-character chunks at aligned offsets: every piece of PIECE characters holds one. */
  chunks: string[];
}

const matchers = new WeakMap<Credentials, SecretMatcher>();

function matcherFor(credentials: Credentials): SecretMatcher {
  let matcher = matchers.get(credentials);
  if (matcher === undefined) {
    const secrets = [credentials.securityToken, credentials.accessKeySecret].filter(
      (secret): secret is string => secret !== undefined && secret.length >= 4,
    );
    const forms = secrets.flatMap(formsOf).sort((a, b) => b.length - a.length);
    const runs = secrets.map((secret) =>
      (secret.match(/[A-Za-z0-9]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), '').slice(0, 8),
    );
    const long = secrets.filter((secret) => secret.length >= 2 * PIECE);
    const chunks = long.flatMap((secret) =>
      Array.from({ length: Math.floor(secret.length / (PIECE / 2)) }, (_, i) =>
        secret.slice((i * PIECE) / 2, ((i + 1) * PIECE) / 2),
      ),
    );
    matcher = {
      forms,
      pattern: forms.length === 0 ? null : new RegExp([...new Set(forms.map(literal))].join('|'), 'g'),
      // Base64 forms hold none of a secret's own runs: their own first run stands for them.
      anchors: runs.every((run) => run.length >= 4)
        ? [...runs, ...chunks, ...secrets.flatMap(base64Cores).map((core) => core.slice(0, 8))]
        : null,
      long,
      chunks,
    };
    matchers.set(credentials, matcher);
  }
  return matcher;
}

/** Whether the text may hold a secret: it holds an anchor (or the secrets have none to look for). */
function mayHold(text: string, { anchors }: SecretMatcher): boolean {
  if (anchors === null) return true;
  for (const anchor of anchors) if (text.includes(anchor)) return true;
  return false;
}

/** The shortest piece of a long secret (an STS token) that is masked where it stands alone. */
const PIECE = 16;

/** Pieces of PIECE characters or more of a long secret (a token cut short, quoted in part) masked. */
function maskPieces(text: string, { long, chunks }: SecretMatcher): string {
  if (long.length === 0 || !chunks.some((chunk) => text.includes(chunk))) return text;
  let out = text;
  for (const secret of long) {
    for (let i = 0; i + PIECE / 2 <= secret.length; i += PIECE / 2) {
      const chunk = secret.slice(i, i + PIECE / 2);
      for (let at = out.indexOf(chunk); at >= 0; at = out.indexOf(chunk, at + 1)) {
        // Grow the match both ways while text and secret agree.
        let start = at;
        let from = i;
        while (start > 0 && from > 0 && out[start - 1] === secret[from - 1]) {
          start--;
          from--;
        }
        let end = at + chunk.length;
        let to = i + chunk.length;
        while (end < out.length && to < secret.length && out[end] === secret[to]) {
          end++;
          to++;
        }
        if (end - start >= PIECE) {
          out = `${out.slice(0, start)}${MASK}${out.slice(end)}`;
          at = start;
        }
      }
    }
  }
  return out;
}

function masked(text: string, matcher: SecretMatcher): string {
  if (!matcher.pattern || !mayHold(text, matcher)) return text;
  const out = maskPieces(text.replace(matcher.pattern, MASK), matcher);
  // Masks side by side (a secret quoted twice, in pieces) read as one.
  return out === text ? text : out.replace(/(?:\*\*\*){2,}/g, MASK);
}

/**
 * Text with the credentials' own secrets masked wherever they occur, in any of their encodings.
 * A plain search for a piece every form shares rules out most strings before the pattern runs.
 */
export function maskKnownSecrets(text: string, credentials: Credentials | undefined): string {
  return credentials ? masked(text, matcherFor(credentials)) : text;
}

/** Deeper than this, a parsed answer is not walked (the check against the spec refuses it anyway). */
const MAX_DEPTH = 64;

/**
 * A parsed answer with the credentials' secrets masked in every string it holds — after parsing,
 * so a secret the server wrote with escapes (`\u0043…` in JSON, `&#x43;…` or split by CDATA in
 * XML) is caught as the plain text it decodes to. Copy-on-write: an answer without secrets comes
 * back as the very same value.
 */
export function maskSecretsDeep(value: unknown, credentials: Credentials): unknown {
  const matcher = matcherFor(credentials);
  if (matcher.pattern === null) return value;
  const walk = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return withoutNamedSecrets(masked(item, matcher));
    if (item === null || typeof item !== 'object' || depth > MAX_DEPTH) return item;
    if (Array.isArray(item)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < item.length; i++) {
        const masked = walk(item[i], depth + 1);
        if (masked !== item[i]) {
          out ??= [...item];
          out[i] = masked;
        }
      }
      return out ?? item;
    }
    let out: Record<string, unknown> | undefined;
    const record = item as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const masked = walk(record[key], depth + 1);
      if (masked !== record[key]) {
        out ??= { ...record };
        out[key] = masked;
      }
    }
    return out ?? item;
  };
  return walk(value, 0);
}

/**
 * Whether an answer's text could carry one of the secrets once parsed: it holds a piece every
 * form of a secret shares, names a secret parameter (`Signature=…` of a URL quoted back), or an
 * escape that could hide one (`\\u` in JSON; a character
 * reference, CDATA or a comment in XML). Most answers hold neither, and are not walked at all.
 */
export function mayCarrySecrets(text: string, credentials: Credentials): boolean {
  return (
    mayHold(text, matcherFor(credentials)) ||
    NAMED.test(text) ||
    text.includes('\\u') ||
    text.includes('&#') ||
    text.includes('<![CDATA[') ||
    text.includes('<!--')
  );
}

/** Text with its escapes undone — percent (any case), XML/HTML character references, `\uXXXX` — twice over. */
function unescaped(text: string): string {
  let out = text;
  for (let pass = 0; pass < 2; pass++) {
    out = out
      .replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/&#x([0-9a-f]{1,6});|&#(\d{1,7});/gi, (whole, hex?: string, dec?: string) => {
        const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      })
      .replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  return out;
}

/** Text that ends in the first part of a secret (a body cut mid-secret) loses that part too. */
function withoutTrailingPiece(text: string, credentials: Credentials | undefined): string {
  if (!credentials) return text;
  for (const form of matcherFor(credentials).forms) {
    for (let length = Math.min(form.length - 1, text.length); length >= 4; length--) {
      if (text.endsWith(form.slice(0, length))) return `${text.slice(0, text.length - length)}${MASK}`;
    }
  }
  return text;
}

// `SecurityToken=…`, `Signature=…` in a query string or a string to sign (`%3D` … `%26`, and
// encoded twice), and `x-acs-security-token:…` in a V3 canonical request, whatever the hex case.
const NAMED_SECRET =
  /((?:SecurityToken|Signature|AccessKeySecret)(?:=|%3D|%253D)|x-acs-security-token(?::|%3A|%253A))(.*?)(?=&|%26|%2526|\s|["'<>,]|\\n|$)/gi;

/** Whether text names a secret parameter (NAMED_SECRET's names), for a quick look before the walk. */
const NAMED = /SecurityToken|Signature|AccessKeySecret|x-acs-security-token/i;

/** `Signature=…`, `SecurityToken=…` and the like with their values masked (a signed URL the service quotes back). */
function withoutNamedSecrets(text: string): string {
  return NAMED.test(text) ? text.replace(NAMED_SECRET, (_, name: string) => `${name}${MASK}`) : text;
}

/**
 * Text (a server message, a URL, a body to forward) with every secret masked: the credentials'
 * own secrets in any encoding, and the value of any `SecurityToken`/`Signature` parameter even
 * when the credentials that signed it are not at hand.
 */
export function redactSecrets(text: string, credentials?: Credentials): string {
  let out = maskKnownSecrets(text, credentials);
  // A secret written with escapes the list of forms does not foresee (`%43AIS…`, `&#x43;…`):
  // if undoing the escapes reveals one, the text is shown unescaped, and masked.
  if (credentials && /[%&\\]/.test(out)) {
    const plain = unescaped(out);
    const masked = maskKnownSecrets(plain, credentials);
    if (masked !== plain) out = masked;
  }
  return withoutNamedSecrets(out);
}

/**
 * Text from a place that may hold secrets the client does not know (a credentials provider's own
 * error): named secrets masked, and every run that looks like a key or token — 24 or more
 * letters, digits and base64 signs, of at least two kinds (lower case, upper case, digits) — masked too.
 */
export function redactUnknownSecrets(text: string): string {
  return redactSecrets(text).replace(/[A-Za-z0-9+/=_-]{24,}/g, (run) =>
    [/[a-z]/, /[A-Z]/, /[0-9]/].filter((kind) => kind.test(run)).length >= 2 ? MASK : run,
  );
}

/**
 * The error with every string it carries — message, stack, code, request and host IDs,
 * recommendation, body snippet, drift details, the status it names — cleared of secrets. A body
 * snippet is still long here (the call cuts it to 200 characters afterwards, `cutSnippet`), so a
 * secret in it is masked whole; one cut off at its end is removed. Every error a call throws with
 * credentials at hand passes through here.
 */
export function scrubError<E extends Error>(error: E, credentials: Credentials | undefined): E {
  const target = error as unknown as Record<string, unknown>;
  for (const key of [...Object.keys(target), 'message', 'stack']) {
    const value = target[key];
    if (typeof value === 'string') {
      let clean = redactSecrets(value, credentials);
      // A snippet is a body cut short: it may end inside a secret.
      if (key === 'bodySnippet') clean = withoutTrailingPiece(clean, credentials);
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
