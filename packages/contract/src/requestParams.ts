import { writeRpcList } from '@iot-task/signing/encoding';
import type { ActionDescriptor, ParameterDescriptor } from '@iot-task/spec';
import type { ContractTarget } from './targets.ts';

/** Values the target knows for some parameters (its task, its instance), by name. */
export type KnownValues = Readonly<Record<string, unknown>>;

export type BuiltParams = { params: Record<string, unknown> } | { cannot: string };

function typed(param: ParameterDescriptor, value: unknown): unknown {
  const type = param.schema.type;
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && value.trim() !== '') {
    return Number(value);
  }
  if (type === 'boolean' && typeof value === 'string') return value === 'true';
  return value;
}

/** A value the spec itself offers for a parameter: its example, default, const or first enum value. */
export function specValue(param: ParameterDescriptor): unknown {
  const { schema } = param;
  return param.example ?? schema.default ?? schema.const ?? schema.enum?.[0];
}

/**
 * The parameters of an ordinary request for `action`, typed as the client takes them (integers as
 * numbers, JSON documents as objects): every required one, and the optional ones the target
 * knows a value for. Values come from the target first, then from the spec (example, default,
 * const, enum). When a required parameter has none, the request cannot be built — say why.
 */
export function requestParams(descriptor: ActionDescriptor, known: KnownValues): BuiltParams {
  const params: Record<string, unknown> = {};
  for (const param of descriptor.parameters) {
    if (param.in !== 'query') continue;
    const fromTarget = Object.hasOwn(known, param.name) ? known[param.name] : undefined;
    if (fromTarget !== undefined) {
      params[param.name] = typed(param, fromTarget);
      continue;
    }
    if (!param.required) continue;
    const value = specValue(param);
    if (value === undefined) {
      return {
        cannot: `${descriptor.action}'s required parameter ${param.name} has no example, default, const or enum in the spec, and the target names no value for it`,
      };
    }
    params[param.name] = typed(param, value);
  }
  return { params };
}

/**
 * Parameters as they travel: strings; a list as `Name.1`…`Name.N` (objects in it as
 * `Name.1.Field`); an object — a parameter that travels as JSON text — as its JSON text.
 */
export function wireParams(params: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value)) writeRpcList(name, value, out);
    else if (typeof value === 'object' && value !== null) out[name] = JSON.stringify(value);
    else if (value !== undefined) out[name] = String(value);
  }
  return out;
}

/** The values the target knows for parameters: its task, the task's job, its instance. */
export function knownValues(target: ContractTarget): KnownValues {
  return {
    TaskId: target.taskId,
    JobId: target.jobId,
    ...(target.instanceId ? { IotInstanceId: target.instanceId } : {}),
  };
}

/** The params without a parameter: its own key, and a list's `Name.1`… keys. */
export function without(params: Readonly<Record<string, string>>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([key]) => key !== name && !key.startsWith(`${name}.`)));
}
