import type { ParameterDescriptor } from '@iot-task/spec';

/** One of an action's own parameters, as the generator describes one: a query parameter, optional unless said. */
export const param = (
  p: Partial<ParameterDescriptor> & Pick<ParameterDescriptor, 'name' | 'schema'>,
): ParameterDescriptor => ({
  in: 'query',
  required: false,
  common: false,
  ...p,
});
