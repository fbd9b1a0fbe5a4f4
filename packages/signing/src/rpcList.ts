/** What `readRpcList` needs of a schema: where lists and objects are. */
export interface ListShape {
  readonly type?: string | readonly string[];
  readonly items?: ListShape;
  readonly properties?: { readonly [name: string]: ListShape };
}

/**
 * A list as the RPC style sends it, the inverse of `readRpcList`: `Name.1`…`Name.N`, an object in
 * it as `Name.1.Field`, a list in that as `Name.1.Field.1` (the official SDK's `OpenApiUtil.query`);
 * undefined and null items are left out, as the SDK leaves them. Written into `out`.
 *
 * @example writeRpcList('Tag', ['a', 'b']) // { 'Tag.1': 'a', 'Tag.2': 'b' }
 */
export function writeRpcList(name: string, value: unknown, out: Record<string, string> = {}): Record<string, string> {
  if (value === undefined || value === null) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      writeRpcList(`${name}.${i + 1}`, item, out);
    });
  } else if (typeof value === 'object') {
    for (const [field, item] of Object.entries(value)) writeRpcList(`${name}.${field}`, item, out);
  } else out[name] = String(value);
  return out;
}

export type ReadList = { value: unknown[] } | { refused: string } | undefined;

type Entry = readonly [path: readonly string[], value: string];

const POSITION = /^[1-9]\d{0,5}$/;

/**
 * A list parameter as the RPC style carries it (`Name.1`…`Name.N`, an object in it as
 * `Name.1.Field`, a list in that as `Name.1.Field.1`; the official SDK's `OpenApiUtil.query`),
 * read back into a list of its wire strings by the list's schema. Undefined when no `Name.<n>`
 * is given; refused, naming the key, when the positions do not run 1…N without a hole, when a
 * key names a field the item has not, or when one key is both a value and a container. A bare
 * `Name` (no position) is no item of the list: the caller sees it as a parameter of its own.
 *
 * @example readRpcList('Tag', { type: 'array' }, { 'Tag.1': 'a', 'Tag.2': 'b' }) // { value: ['a', 'b'] }
 */
export function readRpcList(name: string, schema: ListShape, params: Readonly<Record<string, string>>): ReadList {
  const prefix = `${name}.`;
  const entries: Entry[] = [];
  for (const key of Object.keys(params)) {
    if (key.startsWith(prefix)) entries.push([key.slice(prefix.length).split('.'), params[key] as string]);
  }
  if (entries.length === 0) return undefined;
  try {
    return { value: build(name, schema, entries) as unknown[] };
  } catch (error) {
    if (error instanceof Refused) return { refused: error.message };
    throw error;
  }
}

class Refused extends Error {}

function groups(entries: readonly Entry[]): Map<string, Entry[]> {
  const byHead = new Map<string, Entry[]>();
  for (const [path, value] of entries) {
    const [head = '', ...rest] = path;
    const group = byHead.get(head) ?? [];
    group.push([rest, value]);
    byHead.set(head, group);
  }
  return byHead;
}

function build(at: string, schema: ListShape, entries: readonly Entry[]): unknown {
  const leaf = entries.find(([path]) => path.length === 0);
  if (schema.type === 'array' || schema.type === 'object') {
    if (leaf) throw new Refused(`${at} is ${schema.type === 'array' ? 'a list' : 'an object'}, given as one value`);
    const byHead = groups(entries);
    if (schema.type === 'object') {
      const out: Record<string, unknown> = {};
      for (const [field, group] of byHead) {
        const property = schema.properties?.[field];
        if (!property || !Object.hasOwn(schema.properties ?? {}, field))
          throw new Refused(`${at}.${field} names no field of ${at}`);
        out[field] = build(`${at}.${field}`, property, group);
      }
      return out;
    }
    const list: unknown[] = [];
    // N positions given must be 1…N: any other one (beyond N, or twice as 01 and 1) leaves a hole.
    for (const [position, group] of byHead) {
      if (!POSITION.test(position)) throw new Refused(`${at}.${position}: expected a position 1, 2, …`);
      if (Number(position) > byHead.size) {
        const hole = Array.from({ length: byHead.size }, (_, i) => i + 1).find((i) => !byHead.has(String(i)));
        throw new Refused(`${at}.${hole} is missing: positions run 1…N without a hole`);
      }
      list[Number(position) - 1] = build(`${at}.${position}`, schema.items ?? {}, group);
    }
    return list;
  }
  if (entries.length > 1 || !leaf) throw new Refused(`${at} is one value, given as a list or an object`);
  return leaf[1];
}
