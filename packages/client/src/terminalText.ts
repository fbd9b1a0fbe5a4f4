/**
 * What a server says, made safe to print: a terminal acts on control characters (escape
 * sequences clear the screen or retitle the window, a carriage return or line feed forges a
 * line of the log), and bidirectional overrides reorder what is shown. Each such character is
 * written as a visible escape instead (`\x1b`, `\u202e`); everything else is left as it came.
 */
function isUnsafe(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

function escaped(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function printable(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    out += isUnsafe(code) ? escaped(code) : text[i];
  }
  return out;
}

/** One line of a message, whatever it held: line breaks become spaces, other controls escapes. */
export function oneLine(text: string): string {
  return printable(text.replace(/\s*[\r\n]+\s*/g, ' ').trim());
}

/** A record (a task) with every string field printable. */
export function printableFields<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) out[name] = typeof field === 'string' ? printable(field) : field;
  return out as T;
}

/**
 * JSON for a terminal or a log: JSON.stringify already escapes C0 controls; the characters it
 * leaves as they are (DEL, C1 controls, line and paragraph separators, bidirectional controls)
 * become `\uXXXX` escapes, which every JSON reader reads back the same.
 */
export function printableJson(value: unknown): string {
  // JSON.stringify escaped every C0 control already; what is left unsafe gets a JSON escape.
  const json = JSON.stringify(value, null, 2);
  let out = '';
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    // Its own layout (line breaks, indentation) is the only C0 left, and it stays.
    out += code >= 0x7f && isUnsafe(code) ? `\\u${code.toString(16).padStart(4, '0')}` : json[i];
  }
  return out;
}
