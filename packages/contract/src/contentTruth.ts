import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { showBytes } from './showBytes.ts';

/** The content codings a client of this API decodes (what the kit asks for with Accept-Encoding). */
export const ACCEPTED_ENCODINGS = 'gzip, deflate, br';

const GZIP_MAGIC = [0x1f, 0x8b];

function decodeOne(coding: string, bytes: Uint8Array): Uint8Array {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(bytes);
    case 'deflate':
      // RFC 9110 means zlib-wrapped; raw deflate is common enough that clients accept it.
      try {
        return inflateSync(bytes);
      } catch {
        return inflateRawSync(bytes);
      }
    case 'br':
      return brotliDecompressSync(bytes);
    default:
      throw new Error(`unknown coding ${coding}`);
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

const isUtf8Label = (label: string) => label === 'utf-8' || label === 'utf8';

/** Where the bytes first stop being UTF-8, or -1. */
function firstNonUtf8(bytes: Uint8Array): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // Narrow down: the longest prefix that decodes.
    let low = 0;
    let high = bytes.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid));
        low = mid;
      } catch {
        high = mid - 1;
      }
    }
    // A prefix can end inside a sequence that the next bytes would complete: step past it.
    return low;
  }
}

const hasNonAscii = (bytes: Uint8Array) => bytes.some((b) => b >= 0x80);

/**
 * What an answer's labels say against what its bytes are: Content-Encoding against the body
 * (a label on a plain body, a compressed body without one), `charset` and an XML declaration's
 * `encoding` against the bytes. Answers of this API are UTF-8: the official SDK reads them as
 * nothing else. Returns the problems and the decoded body (when the coding could be undone).
 */
export function contentProblems(
  headers: readonly (readonly [string, string])[],
  raw: Uint8Array,
): { problems: string[]; body: Uint8Array | undefined } {
  const problems: string[] = [];
  const get = (name: string) =>
    headers
      .filter(([n]) => n === name)
      .map(([, v]) => v)
      .join(', ');
  const codings = get('content-encoding')
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  let body: Uint8Array | undefined = raw;
  // Codings are listed in the order applied: undo them last first.
  for (const coding of [...codings].reverse()) {
    try {
      body = decodeOne(coding, body);
    } catch (error) {
      problems.push(
        /unknown coding/.test(String(error))
          ? `Content-Encoding: ${coding} is not a coding the kit asked for (Accept-Encoding: ${ACCEPTED_ENCODINGS})`
          : `Content-Encoding: ${get('content-encoding')} but the body is not ${coding} (it starts ${showBytes(body)})`,
      );
      return { problems, body: undefined };
    }
  }
  if (body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1]) {
    problems.push(
      codings.length === 0
        ? `the body is gzip-compressed (it starts ${showBytes(raw, 4)}) but no Content-Encoding says so`
        : `the body is still gzip-compressed after undoing Content-Encoding: ${get('content-encoding')} (it was compressed more times than labelled)`,
    );
    return { problems, body: undefined };
  }
  const contentType = get('content-type');
  const charsets = [...contentType.matchAll(/;\s*charset\s*=/gi)].length;
  if (charsets > 1) problems.push(`Content-Type gives charset ${charsets} times (${contentType}): an answer has one`);
  const label = charsetOf(contentType);
  const text = new TextDecoder('latin1').decode(body.subarray(0, 200));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1]?.toLowerCase();
  const broken = firstNonUtf8(body);
  if (label !== undefined && !isUtf8Label(label) && hasNonAscii(body)) {
    problems.push(
      broken < 0
        ? `Content-Type says charset=${label} but the body is UTF-8 (byte ${body.findIndex((b) => b >= 0x80)} starts a UTF-8 sequence): a client decoding ${label} garbles it`
        : `the body is ${label} (Content-Type charset=${label}): answers of this API are UTF-8, the only encoding the official SDK reads`,
    );
  } else if (broken >= 0) {
    problems.push(
      `${label ? `Content-Type says charset=${label}` : 'no charset is given, so the body must be UTF-8'}, but byte ${broken} (0x${(body[broken] ?? 0).toString(16).padStart(2, '0')}) is not UTF-8`,
    );
  }
  if (
    declared !== undefined &&
    label !== undefined &&
    declared.replace('utf8', 'utf-8') !== label.replace('utf8', 'utf-8')
  ) {
    problems.push(`the XML declaration says encoding="${declared}" but Content-Type says charset=${label}`);
  }
  return { problems, body };
}

/** In-process answers carry no framing; a Content-Length header they carry must still count the bytes. */
export function declaredLengthProblems(headers: readonly (readonly [string, string])[], raw: Uint8Array): string[] {
  const declared = headers.find(([n]) => n === 'content-length')?.[1];
  if (declared === undefined || Number(declared) === raw.length) return [];
  const text = new TextDecoder().decode(raw);
  const inCharacters = [...text].length === Number(declared) || text.length === Number(declared);
  return [
    `Content-Length: ${declared} but the body is ${raw.length} bytes${inCharacters ? ' (Content-Length counts its characters, not its bytes)' : ''}`,
  ];
}
