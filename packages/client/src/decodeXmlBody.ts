import type { CompactSchema } from '@iot-task/spec';
import { parseXml, type XmlElement, XmlSyntaxError } from './parseXml.ts';
import { numberFromText, toNumber, typesOf } from './schemaTypes.ts';
import { validateValue } from './validateValue.ts';

/**
 * Reading XML bodies as the typed values JSON would give, guided by the compact schemas of the
 * generated manifest. Loaded on demand: apps that never see XML never load it.
 */

function isObjectSchema(schema: CompactSchema): boolean {
  return typesOf(schema).includes('object') || schema.properties !== undefined;
}

function decodeScalar(schema: CompactSchema, text: string): unknown {
  if (schema['x-iot-task-decode'] === 'number') return toNumber(text, schema);
  const types = typesOf(schema);
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.includes('integer') || types.includes('number')) {
    const number = numberFromText(text, !types.includes('number'));
    if (typeof number === 'number') return number;
  }
  if (schema.const !== undefined && typeof schema.const !== 'string') {
    return String(schema.const) === text ? schema.const : text;
  }
  return text;
}

/** An element without a schema: text if it has no children, else an object of its children. */
function looseXml(element: XmlElement): unknown {
  if (element.children.length === 0) return element.text;
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const value = looseXml(child);
    // Own keys only: `<toString>` or `<__proto__>` is a field, never a lookup on Object.prototype.
    const existing = Object.hasOwn(out, child.name) ? out[child.name] : undefined;
    if (child.name === '__proto__') continue;
    out[child.name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** Reads an XML element as the JSON value the schema describes. */
export function decodeXml(schema: CompactSchema | undefined, element: XmlElement): unknown {
  if (!schema) return looseXml(element);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches && schema['x-iot-task-decode'] === undefined) {
    // Decode against each branch; keep the first that validates, else the closest.
    let best: { value: unknown; issues: number } | undefined;
    for (const branch of branches) {
      const value = decodeXml(branch, element);
      const issues = validateValue(branch, value).length;
      if (issues === 0) return value;
      if (!best || issues < best.issues) best = { value, issues };
    }
    return best?.value;
  }
  if (isObjectSchema(schema) && (element.children.length > 0 || schema.properties)) {
    const out: Record<string, unknown> = {};
    const properties = schema.properties ?? {};
    for (const child of element.children) {
      if (child.name === '__proto__') continue;
      const propertySchema = Object.hasOwn(properties, child.name) ? properties[child.name] : undefined;
      if (propertySchema && typesOf(propertySchema).includes('array')) {
        const items = propertySchema.items;
        const list = (out[child.name] as unknown[] | undefined) ?? [];
        // `<data><TaskId>…</TaskId></data><data>…</data>`: each repetition is one item.
        list.push(decodeXml(items, child));
        out[child.name] = list;
      } else {
        // A field the schema gives one value cannot come twice: which one would be meant?
        if (Object.hasOwn(out, child.name)) {
          throw new XmlSyntaxError(`element <${child.name}> appears more than once inside <${element.name}>`);
        }
        out[child.name] = decodeXml(propertySchema, child);
      }
    }
    return out;
  }
  if (typesOf(schema).includes('array')) return [decodeXml(schema.items, element)];
  return decodeScalar(schema, element.text);
}

/**
 * Parses an XML body, checks its root element (the service answers `<{Action}Response>` or
 * `<Error>`; anything else — an HTML page served as XML, say — is not its answer), and decodes
 * it against the schema. @throws XmlSyntaxError
 */
export function decodeXmlBody(schema: CompactSchema | undefined, text: string, root?: string): unknown {
  const element = parseXml(text);
  if (root !== undefined && element.name !== root) {
    throw new XmlSyntaxError(`the root element is <${element.name}>, expected <${root}>`);
  }
  return decodeXml(schema, element);
}
