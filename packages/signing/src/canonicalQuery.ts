import { percentEncode } from './percentEncode.ts';

/** Sorted `name=value` pairs, both percent-encoded; a missing value still gets `=`. */
export function canonicalizeV3Query(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name] as string)}`)
    .join('&');
}
