function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function element(name: string, value: unknown, indent: string): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item) => element(name, item, indent)).join('');
  if (typeof value === 'object') {
    const children = Object.entries(value as Record<string, unknown>)
      .map(([key, child]) => element(key, child, `${indent}  `))
      .join('');
    return `${indent}<${name}>\n${children}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeText(String(value))}</${name}>\n`;
}

/**
 * A JSON body as the gateway's XML: one element per property, arrays as repeated elements,
 * text escaped, e.g. `<QueryTaskResponse><RequestId>…</RequestId>…</QueryTaskResponse>`.
 */
export function serializeXml(root: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(root, body, '')}`;
}
