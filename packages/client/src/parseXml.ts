/** An XML element reduced to what the API's bodies use: a name, child elements and text. */
export interface XmlElement {
  readonly name: string;
  /** Names of its attributes (`xmlns` included): the API's bodies have none, so readers skip them. */
  readonly attributes: readonly string[];
  readonly children: readonly XmlElement[];
  /** Concatenated character data (entities decoded, CDATA included), untrimmed. */
  readonly text: string;
}

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError';
}

const MAX_DEPTH = 64;
const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const NAME = /[A-Za-z_:][\w.:-]*/y;

/** XML 1.0's Char production: a reference to anything else (NUL, a lone surrogate) is not well-formed. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Parses the XML the IoT API answers with. Deliberately small and strict: document type
 * declarations are refused, so no entity can be defined and none expanded (no billion laughs,
 * no external entities); only the five predefined entities and numeric character references
 * are decoded. Attributes are skipped (the API's bodies have none).
 *
 * @throws XmlSyntaxError on anything else, with the offset.
 */
export function parseXml(source: string): XmlElement {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string): never => {
    throw new XmlSyntaxError(`${message} at offset ${pos}`);
  };

  const skipMisc = () => {
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos] as string)) pos++;
      if (source.startsWith('<?', pos)) {
        const end = source.indexOf('?>', pos + 2);
        if (end < 0) fail('unterminated processing instruction');
        pos = end + 2;
      } else if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (source.startsWith('<!', pos) && !source.startsWith('<![CDATA[', pos)) {
        fail('document type and entity declarations are not accepted');
      } else {
        return;
      }
    }
  };

  const readName = (): string => {
    NAME.lastIndex = pos;
    const match = NAME.exec(source);
    if (!match) return fail('expected a name');
    pos += match[0].length;
    return match[0];
  };

  const decodeText = (raw: string): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
      if (ref === undefined) return fail('bare "&" in text');
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
        if (!isXmlChar(code)) return fail(`invalid character reference ${whole}`);
        return String.fromCodePoint(code);
      }
      const value = PREDEFINED[ref];
      return value ?? fail(`undeclared entity &${ref};`);
    });

  const readElement = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) fail('elements nested too deeply');
    if (source[pos] !== '<') fail('expected "<"');
    pos++;
    const name = readName();
    // Attributes (name="value" or name='value'): their names are kept, their values skipped.
    const attributes: string[] = [];
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos] as string)) pos++;
      const c = source[pos];
      if (c === '/' || c === '>' || c === undefined) break;
      attributes.push(readName());
      while (/\s/.test(source[pos] ?? '')) pos++;
      if (source[pos] !== '=') fail('expected "=" in attribute');
      pos++;
      while (/\s/.test(source[pos] ?? '')) pos++;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") return fail('expected a quoted attribute value');
      const end = source.indexOf(quote, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      pos = end + 1;
    }
    if (source.startsWith('/>', pos)) {
      pos += 2;
      return { name, attributes, children: [], text: '' };
    }
    if (source[pos] !== '>') fail(`unterminated start tag <${name}>`);
    pos++;
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (pos >= source.length) fail(`missing </${name}>`);
      if (source.startsWith('</', pos)) {
        pos += 2;
        const closing = readName();
        if (closing !== name) fail(`</${closing}> does not close <${name}>`);
        while (/\s/.test(source[pos] ?? '')) pos++;
        if (source[pos] !== '>') fail('expected ">"');
        pos++;
        return { name, attributes, children, text };
      }
      if (source.startsWith('<![CDATA[', pos)) {
        const end = source.indexOf(']]>', pos + 9);
        if (end < 0) fail('unterminated CDATA section');
        text += source.slice(pos + 9, end);
        pos = end + 3;
      } else if (source.startsWith('<!--', pos)) {
        const end = source.indexOf('-->', pos + 4);
        if (end < 0) fail('unterminated comment');
        pos = end + 3;
      } else if (source.startsWith('<?', pos)) {
        const end = source.indexOf('?>', pos + 2);
        if (end < 0) fail('unterminated processing instruction');
        pos = end + 2;
      } else if (source.startsWith('<!', pos)) {
        fail('declarations are not accepted inside elements');
      } else if (source[pos] === '<') {
        children.push(readElement(depth + 1));
      } else {
        const next = source.indexOf('<', pos);
        const end = next < 0 ? source.length : next;
        text += decodeText(source.slice(pos, end));
        pos = end;
      }
    }
  };

  skipMisc();
  if (pos >= source.length) fail('empty document');
  const root = readElement(1);
  skipMisc();
  if (pos < source.length) fail('content after the root element');
  return root;
}
