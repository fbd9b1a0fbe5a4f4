import { type ActionDescriptor, actions } from '@iot-task/spec';
import { describe, expect, it } from 'vitest';
import { checkWireParams } from '../src/checkWireParams.ts';
import { param } from './support/parameter.ts';

/** An action of each wire shape, as the generator describes one (specs/README.md). */
const shapes: ActionDescriptor = {
  ...actions.QueryTask,
  action: 'WireShapes',
  parameters: [
    param({
      name: 'DeviceName',
      required: true,
      schema: { type: 'array', maxItems: 3, items: { type: 'string', maxLength: 8 } },
    }),
    param({
      name: 'Info',
      schema: {
        type: 'array',
        items: {
          type: 'object',
          required: ['Nickname'],
          properties: { Nickname: { type: 'string' }, Rank: { type: 'integer', minimum: 1 } },
        },
      },
    }),
    param({
      name: 'TargetConfig',
      contentType: 'application/json',
      schema: {
        type: 'object',
        required: ['TargetType'],
        additionalProperties: false,
        properties: { TargetType: { type: 'string', enum: ['PRODUCT'] }, Devices: { type: 'array', maxItems: 1 } },
      },
    }),
  ],
};

const verdict = (params: Record<string, string>) => checkWireParams(shapes, params)?.code ?? 'accepted';

describe('the mock reads lists and JSON text as the gateway does', () => {
  it('accepts Name.1…Name.N and JSON text that matches its schema', () => {
    expect(
      verdict({
        'DeviceName.1': 'light',
        'DeviceName.2': 'fan',
        'Info.1.Nickname': 'x',
        'Info.1.Rank': '2',
        TargetConfig: '{"TargetType":"PRODUCT"}',
      }),
    ).toBe('accepted');
  });

  it('a bare Name is not the list; too many items, holes, bad items and fields are Invalid<Name>', () => {
    expect(verdict({ DeviceName: 'light,fan' })).toBe('MissingDeviceName');
    expect(verdict({ 'DeviceName.1': 'a', 'DeviceName.2': 'b', 'DeviceName.3': 'c', 'DeviceName.4': 'd' })).toBe(
      'InvalidDeviceName',
    );
    expect(verdict({ 'DeviceName.1': 'a', 'DeviceName.3': 'c' })).toBe('InvalidDeviceName');
    expect(verdict({ 'DeviceName.1': 'much-too-long' })).toBe('InvalidDeviceName');
    const one = { 'DeviceName.1': 'a' };
    expect(verdict({ ...one, 'Info.1.Rank': '2' })).toBe('InvalidInfo');
    expect(verdict({ ...one, 'Info.1.Nickname': 'x', 'Info.1.Rank': '0' })).toBe('InvalidInfo');
    expect(verdict({ ...one, 'Info.1.Nickname': 'x', 'Info.1.Nick': 'y' })).toBe('InvalidInfo');
  });

  it('JSON text that is not JSON, or not its schema, is Invalid<Name>', () => {
    const one = { 'DeviceName.1': 'a' };
    for (const text of [
      'notjson',
      '"PRODUCT"',
      '{}',
      '{"TargetType":"ALL"}',
      '{"TargetType":"PRODUCT","x":1}',
      '{"TargetType":"PRODUCT","Devices":[1,2]}',
    ])
      expect(verdict({ ...one, TargetConfig: text }), text).toBe('InvalidTargetConfig');
  });
});
