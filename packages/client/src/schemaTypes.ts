import type { CompactSchema } from '@iot-task/spec';

/** The `type` keyword of a compact schema as a list. */
export function typesOf(schema: CompactSchema): readonly string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
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

/** A value marked `x-iot-task-decode: number` as a number, when it is numeric. */
export function toNumber(value: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return value;
}
