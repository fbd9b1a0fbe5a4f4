/**
 * The one `$ref` resolver of the generators. After bundling, every reference is local
 * (`#/components/...`); this follows a chain of them to the node they name.
 */
export function resolve(doc: unknown, node: unknown): unknown {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    const ref = (current as { $ref?: unknown } | null | undefined)?.$ref;
    if (typeof ref !== 'string') return current;
    current = resolvePointer(doc, ref);
  }
  throw new Error('reference chain too long');
}

/** The node a local JSON pointer (`#/components/...`) names in the document. */
export function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are expected after bundling, got ${ref}`);
  let target: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (target === null || typeof target !== 'object' || !(key in target))
      throw new Error(`unresolvable reference ${ref}`);
    target = (target as Record<string, unknown>)[key];
  }
  return target;
}
