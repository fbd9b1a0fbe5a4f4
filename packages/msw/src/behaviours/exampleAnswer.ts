import { readRpcList } from '@iot-task/signing/encoding';
import type { ParameterDescriptor } from '@iot-task/spec';
import type { ActionBehaviour, BehaviourContext } from './actionBehaviour.ts';

/**
 * The behaviour of an action without a state model: its spec example, inside the world its
 * examples describe. An IotInstanceId names one of the mock's instances. Any other parameter that
 * names something (`x-acs-unknown-value-error`) names only its example value — each item of a
 * list, one of the example's items; a value it does not show names nothing and gets the error the
 * spec names, as the service answers a TaskId it has never seen. A parameter without an example,
 * or sent as JSON text, is taken at its word (decisions/mock-action-behaviours.md).
 */
export const exampleAnswer: ActionBehaviour = (context) => {
  const { descriptor, tasks, example } = context;
  for (const param of descriptor.parameters) {
    const code = param.unknownValueErrors?.[0];
    if (code === undefined) continue;
    const known =
      param.name === 'IotInstanceId'
        ? (value: string) => tasks.hasInstance(value)
        : (value: string) => shownByExample(param, value);
    const unknown = sentValues(param, context).find((value) => !known(value));
    if (unknown !== undefined) return { business: code };
  }
  if (!example) return { gateway: 'InternalError' };
  const { RequestId: _, Success: __, ...body } = example;
  return { body };
};

/** The values a request gives a parameter, as wire strings (a list's items as JSON of their strings). */
function sentValues(param: ParameterDescriptor, { params }: BehaviourContext): string[] {
  if (param.contentType !== undefined) return [];
  if (param.schema.type === 'array') {
    const list = readRpcList(param.name, param.schema, params as Readonly<Record<string, string>>);
    return list && 'value' in list ? list.value.map(itemKey) : [];
  }
  const value = Object.hasOwn(params, param.name) ? params[param.name] : undefined;
  return value === undefined || value === '' ? [] : [value];
}

function shownByExample(param: ParameterDescriptor, value: string): boolean {
  const { example } = param;
  if (example === undefined) return true;
  if (param.schema.type === 'array')
    return Array.isArray(example) && example.map(wireForm).map(itemKey).includes(value);
  return String(example) === value;
}

/** An example item as the wire carries it: its scalars as strings. */
function wireForm(item: unknown): unknown {
  if (Array.isArray(item)) return item.map(wireForm);
  if (item !== null && typeof item === 'object') {
    return Object.fromEntries(Object.entries(item).map(([key, field]) => [key, wireForm(field)]));
  }
  return String(item);
}

/** One list item as a comparable key: a string as it is, an object as JSON with sorted keys. */
function itemKey(item: unknown): string {
  if (typeof item === 'string') return item;
  return JSON.stringify(item, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}
