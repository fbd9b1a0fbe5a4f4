import { type ActionDescriptor, type CompactSchema, commonParameters } from '@iot-task/spec';

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
  if (schema.const !== undefined && schema.const !== value) return false;
  return true;
}

export interface ParamFailure {
  code: string;
  message: string;
}

const invalid = (name: string): ParamFailure => ({
  code: `Invalid${name}`,
  message: `Specified parameter ${name} is not valid.`,
});

/**
 * Checks an action's own parameters as the gateway does, on their wire (string) form: a missing
 * required one → `Missing<Name>` ("<Name> is mandatory for this action."), one the spec's
 * schema rejects → `Invalid<Name>` ("Specified parameter <Name> is not valid.").
 */
export function checkWireParams(
  descriptor: ActionDescriptor,
  params: Readonly<Record<string, string>>,
): ParamFailure | undefined {
  for (const param of descriptor.parameters) {
    if (param.in !== 'query') continue;
    const value = Object.hasOwn(params, param.name) ? params[param.name] : undefined;
    if (value === undefined || (value === '' && param.required)) {
      if (param.required)
        return { code: `Missing${param.name}`, message: `${param.name} is mandatory for this action.` };
      continue;
    }
    if (param.contentType === undefined && !valid(param.schema, value)) return invalid(param.name);
  }
  return undefined;
}

/** Headers of the V3 signature that carry a common parameter, by the name the gateway's codes use. */
const HEADER_NAMES: Readonly<Record<string, string>> = {
  'x-acs-signature-nonce': 'SignatureNonce',
  'x-acs-security-token': 'SecurityToken',
};

/**
 * Common parameters the signature checks do not judge themselves, on their wire form against the
 * spec's schemas: `Format` outside its enum, a `SignatureVersion` other than 1.0, a `RegionId`
 * that is no region, an over-long nonce (query or header), an empty `SecurityToken` →
 * `Invalid<Name>`. (Timestamp, SignatureMethod and AccessKeyId are the signature checks' to
 * judge, with their own codes; Version is the API check's.)
 */
export function checkCommonParams(
  params: Readonly<Record<string, string>>,
  headers: Headers = new Headers(),
): ParamFailure | undefined {
  for (const param of commonParameters) {
    if (param.in === 'query') {
      if (['Timestamp', 'SignatureMethod', 'AccessKeyId', 'Version'].includes(param.name)) continue;
      if (!Object.hasOwn(params, param.name)) continue;
      if (!valid(param.schema, params[param.name] as string)) return invalid(param.name);
    } else {
      const name = HEADER_NAMES[param.name];
      const value = headers.get(param.name);
      if (name === undefined || value === null) continue;
      if (!valid(param.schema, value)) return invalid(name);
    }
  }
  return undefined;
}
