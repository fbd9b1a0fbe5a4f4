import { type ActionDescriptor, actions } from '@iot-task/spec';
import { describe, expect, it } from 'vitest';
import { exampleAnswer } from '../src/behaviours/exampleAnswer.ts';
import { TaskStore } from '../src/taskStore.ts';
import { param } from './support/parameter.ts';

/** An action the mock has no state model of, whose parameters name things. */
const lookup: ActionDescriptor = {
  ...actions.QueryTask,
  action: 'LookUpDevices',
  parameters: [
    param({
      name: 'ProductKey',
      required: true,
      schema: { type: 'string' },
      example: 'a1BwAGV****',
      unknownValueErrors: ['iot.prod.NotExistedProduct'],
    }),
    param({
      name: 'DeviceName',
      schema: { type: 'array', items: { type: 'string' } },
      example: ['light', 'fan'],
      unknownValueErrors: ['iot.device.NotExistedDevice'],
    }),
    param({
      name: 'Device',
      schema: {
        type: 'array',
        items: { type: 'object', properties: { Name: { type: 'string' }, Rank: { type: 'integer' } } },
      },
      example: [{ Rank: 1, Name: 'light' }],
      unknownValueErrors: ['iot.device.NotExistedDevice'],
    }),
    param({ name: 'Nickname', schema: { type: 'string' }, unknownValueErrors: ['iot.device.NoNickname'] }),
    param({ name: 'PageSize', schema: { type: 'integer' }, example: 10 }),
    param({
      name: 'IotInstanceId',
      schema: { type: 'string' },
      example: 'iot-cn-0pp1n8t****',
      unknownValueErrors: ['iot.common.InvalidIotInstanceId'],
    }),
  ],
};
const example = { RequestId: 'from-the-spec', Success: true, Data: { Devices: ['light'] } };
const answer = (params: Record<string, string>) =>
  exampleAnswer({ descriptor: lookup, params, tasks: new TaskStore({ instances: ['iot-own'] }), now: 0, example });

describe('an action without a state model answers its example, inside the world its examples show', () => {
  it('the example values: its success body, without the example RequestId', () => {
    expect(
      answer({ ProductKey: 'a1BwAGV****', 'DeviceName.1': 'fan', 'Device.1.Name': 'light', 'Device.1.Rank': '1' }),
    ).toEqual({ body: { Data: { Devices: ['light'] } } });
    // A parameter that names nothing is free; one without an example is taken at its word.
    expect(answer({ ProductKey: 'a1BwAGV****', PageSize: '50', Nickname: 'anything' })).toEqual({
      body: { Data: { Devices: ['light'] } },
    });
  });

  it('a value the examples do not show names nothing: the error the spec names', () => {
    expect(answer({ ProductKey: 'a2Other' })).toEqual({ business: 'iot.prod.NotExistedProduct' });
    expect(answer({ ProductKey: 'a1BwAGV****', 'DeviceName.1': 'light', 'DeviceName.2': 'door' })).toEqual({
      business: 'iot.device.NotExistedDevice',
    });
    expect(answer({ ProductKey: 'a1BwAGV****', 'Device.1.Name': 'light', 'Device.1.Rank': '2' })).toEqual({
      business: 'iot.device.NotExistedDevice',
    });
  });

  it("an IotInstanceId names one of the mock's instances, not the example's", () => {
    expect(answer({ ProductKey: 'a1BwAGV****', IotInstanceId: 'iot-own' })).toHaveProperty('body');
    expect(answer({ ProductKey: 'a1BwAGV****', IotInstanceId: 'iot-cn-0pp1n8t****' })).toEqual({
      business: 'iot.common.InvalidIotInstanceId',
    });
  });

  it('no example to answer with: InternalError, as before', () => {
    expect(
      exampleAnswer({ descriptor: lookup, params: {}, tasks: new TaskStore(), now: 0, example: undefined }),
    ).toEqual({ gateway: 'InternalError' });
  });
});
