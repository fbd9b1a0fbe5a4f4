/**
 * Keys that appear more than once in one object of a JSON text (which parses: JSON.parse keeps
 * the last of them silently, while other readers keep the first — RFC 8259 says names should be
 * unique). Iterative, so any depth is fine.
 */
export function duplicateJsonKeys(text: string): string[] {
  const found: string[] = [];
  const open: { keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = open[open.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) found.push(key);
        else top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{') open.push({ keys: new Set(), expectKey: true });
    else if (c === '[') open.push({ keys: null, expectKey: false });
    else if (c === '}' || c === ']') open.pop();
    else if (c === ',') {
      const top = open[open.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return found;
}
