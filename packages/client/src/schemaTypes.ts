import type { CompactSchema } from '@iot-task/spec';

/** The `type` keyword of a compact schema as a list. */
export function typesOf(schema: CompactSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

const patterns = new Map<string, RegExp>();

/** A schema's `pattern` as a RegExp (Unicode mode), compiled once per pattern. */
export function compiledPattern(pattern: string): RegExp {
  let compiled = patterns.get(pattern);
  if (!compiled) {
    compiled = new RegExp(pattern, 'u');
    patterns.set(pattern, compiled);
  }
  return compiled;
}

/** The branch of a oneOf/anyOf whose `const` properties (e.g. `Success: true`) the value has. */
export function branchByDiscriminator(branches: readonly CompactSchema[], value: unknown): CompactSchema | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const schema of branches) {
    const discriminators = Object.entries(schema.properties ?? {}).filter(([, p]) => p.const !== undefined);
    if (discriminators.length > 0 && discriminators.every(([name, p]) => record[name] === p.const)) return schema;
  }
  return undefined;
}

/** Plain decimal notation only: `0x14`, `1e1`, ` 20 ` and `+5` are not numbers on this wire. */
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** Whole numbers in plain decimal notation: what an `integer` field's text must be. */
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * A value marked `x-iot-task-decode: number` as a number, when its text is what the spec allows
 * on the wire — a decimal numeral, and one that matches the pattern of the schema's string
 * branch when it has one (`80`, not `80.0` or `080`); anything else is returned as it came, so
 * the check against the spec reports it instead of it passing as a number it never was.
 */
export function toNumber(value: unknown, schema?: CompactSchema): unknown {
  if (typeof value !== 'string' || !DECIMAL.test(value)) return value;
  const asText = (schema?.oneOf ?? schema?.anyOf)?.find((branch) => typesOf(branch).includes('string'));
  if (asText?.pattern !== undefined && !compiledPattern(asText.pattern).test(value)) return value;
  return Number(value);
}

/** The text of an `integer` (or `number`) field as a number, when it is written as one; else as it came. */
export function numberFromText(text: string, integer: boolean): unknown {
  return (integer ? INTEGER : DECIMAL).test(text) ? Number(text) : text;
}

/** The success branch of a response schema (`Success: true`), or the schema itself. */
export function successBranch(schema: CompactSchema | undefined): CompactSchema | undefined {
  const branches = schema?.oneOf ?? schema?.anyOf;
  return branches?.find((b) => b.properties?.Success?.const === true) ?? schema;
}

/**
 * A short description of any value, for messages: never serializes more than a few levels or
 * characters, so a hostile, deeply nested value cannot exhaust the stack or the message.
 */
export function preview(value: unknown, depth = 0): string {
  if (value === undefined) return 'nothing';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value))
    return depth > 1
      ? '[…]'
      : `[${value
          .slice(0, 3)
          .map((v) => preview(v, depth + 1))
          .join(', ')}${value.length > 3 ? ', …' : ''}]`;
  if (typeof value === 'object') {
    if (depth > 1) return '{…}';
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries
      .slice(0, 3)
      .map(([k, v]) => `${JSON.stringify(k)}: ${preview(v, depth + 1)}`)
      .join(', ')}${entries.length > 3 ? ', …' : ''}}`;
  }
  return typeof value;
}
