import type { CompactSchema } from '@iot-task/spec';

const isJsonMedia = (media: string | undefined) => media !== undefined && /^application\/(.+\+)?json$/i.test(media);

/**
 * Fields the spec describes as JSON text (`contentMediaType: application/json`) whose text does
 * not parse: one line each, naming the field and where the text stops being JSON.
 */
export function jsonTextProblems(schema: CompactSchema | undefined, value: unknown, path = ''): string[] {
  if (!schema) return [];
  if (typeof value === 'string' && isJsonMedia(schema.contentMediaType)) {
    try {
      JSON.parse(value);
      return [];
    } catch (error) {
      return [
        `${path}: described as JSON text (contentMediaType ${schema.contentMediaType}), but ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} is not JSON (${(error as Error).message})`,
      ];
    }
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => jsonTextProblems(schema.items, item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object' || !schema.properties) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([name, field]) =>
    jsonTextProblems(schema.properties?.[name], field, path ? `${path}.${name}` : name),
  );
}
