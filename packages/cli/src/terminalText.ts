/**
 * What a server says, made safe to print: a terminal acts on control characters (escape
 * sequences clear the screen or retitle the window, a carriage return or line feed forges a
 * line of the log), and bidirectional overrides reorder what is shown. Each such character is
 * written as a visible escape instead (`\x1b`, `\u202e`); everything else is left as it came.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
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
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
