import type { ActionDescriptor, CompactSchema } from '@iot-task/spec';

/** The `Success: true` branch of an action's 200 body. */
function successSchema(descriptor: ActionDescriptor): CompactSchema | undefined {
  const body = descriptor.responses['200']?.schema ?? undefined;
  return body?.oneOf?.find((b) => b.properties?.Success?.const === true) ?? body;
}

/** The schema at a dotted path of the success body (`Data`, `Data.data` → its items). */
export function schemaAt(descriptor: ActionDescriptor, dotted: string): CompactSchema | undefined {
  let node = successSchema(descriptor);
  for (const key of dotted.split('.')) node = node?.properties?.[key];
  return node?.type === 'array' ? node.items : node;
}

/** Only the fields the schema describes: the mock never answers with more than the spec says. */
export function described(schema: CompactSchema | undefined, value: Record<string, unknown>): Record<string, unknown> {
  const properties = schema?.properties;
  if (!properties) return value;
  return Object.fromEntries(Object.entries(value).filter(([name, v]) => name in properties && v !== undefined));
}

/** `{ a: { b: value } }` for path `a.b`. */
export function nest(dotted: string, value: unknown): Record<string, unknown> {
  return dotted
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
