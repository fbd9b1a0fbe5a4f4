import type { ActionDescriptor, CompactSchema } from '@iot-task/spec';

function valid(schema: CompactSchema, value: string): boolean {
  if (schema.type === 'integer') {
    if (!/^-?\d+$/.test(value)) return false;
    const n = Number(value);
    return (
      !(schema.minimum !== undefined && n < schema.minimum) && !(schema.maximum !== undefined && n > schema.maximum)
    );
  }
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return false;
  if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  return true;
}

/**
 * Checks an action's own parameters as the gateway does, on their wire (string) form: a missing
 * required one → `Missing<Name>` ("<Name> is mandatory for this action."), one the spec's
 * schema rejects → `Invalid<Name>` ("Specified parameter <Name> is not valid.").
 */
export function checkWireParams(
  descriptor: ActionDescriptor,
  params: Readonly<Record<string, string>>,
): { code: string; message: string } | undefined {
  for (const param of descriptor.parameters) {
    if (param.in !== 'query') continue;
    const value = params[param.name];
    if (value === undefined || value === '') {
      if (param.required)
        return { code: `Missing${param.name}`, message: `${param.name} is mandatory for this action.` };
      continue;
    }
    if (param.contentType === undefined && !valid(param.schema, value)) {
      return { code: `Invalid${param.name}`, message: `Specified parameter ${param.name} is not valid.` };
    }
  }
  return undefined;
}
