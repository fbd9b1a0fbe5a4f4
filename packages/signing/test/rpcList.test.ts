import { describe, expect, it } from 'vitest';
import { readRpcList, writeRpcList } from '../src/encoding.ts';

const nicknames = {
  type: 'array',
  items: { type: 'object', properties: { Nickname: { type: 'string' }, Tag: { type: 'array', items: {} } } },
} as const;

describe('readRpcList: Name.1…Name.N read back by the schema', () => {
  it('lists, lists of objects, lists inside them; a bare Name is no item', () => {
    expect(readRpcList('DeviceName', { type: 'array' }, { 'DeviceName.2': 'fan', 'DeviceName.1': 'light' })).toEqual({
      value: ['light', 'fan'],
    });
    expect(
      readRpcList('Info', nicknames, { 'Info.1.Nickname': 'lamp', 'Info.1.Tag.1': 'a', 'Info.2.Nickname': 'fan' }),
    ).toEqual({ value: [{ Nickname: 'lamp', Tag: ['a'] }, { Nickname: 'fan' }] });
    expect(readRpcList('DeviceName', { type: 'array' }, { DeviceName: 'light,fan', DeviceNames: 'x' })).toBeUndefined();
  });

  it('refuses holes, non-positions, unknown fields and a value where a list is', () => {
    const refused = (params: Record<string, string>) => readRpcList('Info', nicknames, params);
    expect(refused({ 'Info.1.Nickname': 'a', 'Info.3.Nickname': 'c' })).toEqual({
      refused: 'Info.2 is missing: positions run 1…N without a hole',
    });
    expect(refused({ 'Info.0.Nickname': 'a' })).toEqual({ refused: 'Info.0: expected a position 1, 2, …' });
    expect(refused({ 'Info.01.Nickname': 'a' })).toEqual({ refused: 'Info.01: expected a position 1, 2, …' });
    expect(refused({ 'Info.1.Nick': 'a' })).toEqual({ refused: 'Info.1.Nick names no field of Info.1' });
    expect(refused({ 'Info.1.__proto__': 'a' })).toEqual({ refused: 'Info.1.__proto__ names no field of Info.1' });
    expect(refused({ 'Info.1': 'a' })).toEqual({ refused: 'Info.1 is an object, given as one value' });
    expect(refused({ 'Info.1.Nickname.1': 'a' })).toEqual({
      refused: 'Info.1.Nickname is one value, given as a list or an object',
    });
    expect(refused({ 'Info.999999.Nickname': 'a' })).toEqual({
      refused: 'Info.1 is missing: positions run 1…N without a hole',
    });
  });
});

describe('writeRpcList: the inverse of readRpcList', () => {
  it('writes what readRpcList reads back', () => {
    const value = [{ Nickname: 'lamp', Tag: ['a', 'b'] }, { Nickname: 'fan' }];
    const flat = writeRpcList('Info', value);
    expect(flat).toEqual({
      'Info.1.Nickname': 'lamp',
      'Info.1.Tag.1': 'a',
      'Info.1.Tag.2': 'b',
      'Info.2.Nickname': 'fan',
    });
    expect(readRpcList('Info', nicknames, flat)).toEqual({ value });
  });
});
