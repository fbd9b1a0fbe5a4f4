import type { CompactSchema } from '@iot-task/spec';
import fc from 'fast-check';

/** Whether XML can carry the text: no C0/C1 control characters, no U+FFFE/U+FFFF. */
function xmlSafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f) || code === 0xfffe || code === 0xffff) return false;
  }
  return true;
}

/** Text that survives every wire format. */
const safeText = (constraints: { minLength?: number; maxLength?: number }) =>
  fc.string({ unit: 'grapheme', ...constraints }).filter(xmlSafe);

function typeOf(schema: CompactSchema): string | undefined {
  return typeof schema.type === 'string' ? schema.type : schema.type?.[0];
}

/**
 * A fast-check arbitrary of values valid against a compact schema of the generated manifest:
 * objects with their required properties and any subset of the optional ones, `oneOf` branches,
 * enums and consts, strings within length and pattern, integers within range.
 *
 * @example fc.assert(fc.property(arbitraryFromSchema(actions.QueryTask.responses['200'].schema!), (body) => …))
 */
export function arbitraryFromSchema(schema: CompactSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches) return fc.oneof(...branches.map(arbitraryFromSchema));
  switch (typeOf(schema)) {
    case 'object': {
      const properties = Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, arbitraryFromSchema(s)]),
      );
      return fc.record(properties, { requiredKeys: [...(schema.required ?? [])] as never[] });
    }
    case 'array':
      return fc.array(schema.items ? arbitraryFromSchema(schema.items) : fc.anything(), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'number':
      return fc.double({
        min: schema.minimum ?? -1e9,
        max: schema.maximum ?? 1e9,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern, 'u'));
      return safeText({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) });
    default:
      return fc.constant(null);
  }
}
