import { type ActionDescriptor, actions, type ParameterDescriptor } from '@iot-task/spec';
import { describe, expect, it } from 'vitest';
import { createIotTaskCore, ValidationError } from '../src/index.ts';
import { paginate } from '../src/paginate.ts';
import { browserParams } from '../src/signingProxy/browserParams.ts';
import { validateParams } from '../src/validateParams.ts';

/** An action of each wire shape, as the generator describes one (specs/README.md, "Wire shapes"). */
const param = (
  p: Partial<ParameterDescriptor> & Pick<ParameterDescriptor, 'name' | 'schema'>,
): ParameterDescriptor => ({
  in: 'query',
  required: false,
  common: false,
  ...p,
});
const shapes: ActionDescriptor = {
  ...actions.QueryTask,
  action: 'WireShapes',
  parameters: [
    param({
      name: 'DeviceName',
      required: true,
      schema: { type: 'array', maxItems: 3, items: { type: 'string', minLength: 1, maxLength: 8 } },
    }),
    param({
      name: 'DeviceNicknameInfo',
      schema: {
        type: 'array',
        maxItems: 2,
        items: {
          type: 'object',
          required: ['Nickname'],
          properties: {
            ProductKey: { type: 'string' },
            Nickname: { type: 'string', maxLength: 4 },
            Tag: { type: 'array', items: { type: 'integer', minimum: 1 } },
          },
        },
      },
    }),
    param({
      name: 'TargetConfig',
      contentType: 'application/json',
      schema: {
        type: 'object',
        required: ['TargetType'],
        properties: {
          TargetType: { type: 'string', enum: ['DEVICE_LIST', 'PRODUCT'] },
          TargetDevices: { type: 'array', maxItems: 2, items: { type: 'object' } },
        },
      },
    }),
  ],
};

function refusal(params: unknown): string {
  try {
    validateParams(shapes, params);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(params)}`);
}

describe('lists travel as Name.1…Name.N, objects in them as Name.1.Field (OpenApiUtil.query)', () => {
  it('a list of strings, a list of objects with a list inside, in the order given', () => {
    expect(
      validateParams(shapes, {
        DeviceName: ['light', 'fan'],
        DeviceNicknameInfo: [{ ProductKey: 'pk', Nickname: 'lamp', Tag: [1, 2] }, { Nickname: 'fan' }],
      }),
    ).toEqual({
      'DeviceName.1': 'light',
      'DeviceName.2': 'fan',
      'DeviceNicknameInfo.1.ProductKey': 'pk',
      'DeviceNicknameInfo.1.Nickname': 'lamp',
      'DeviceNicknameInfo.1.Tag.1': '1',
      'DeviceNicknameInfo.1.Tag.2': '2',
      'DeviceNicknameInfo.2.Nickname': 'fan',
    });
  });

  it('refuses what the schema refuses, naming the item', () => {
    expect(refusal({ DeviceName: 'light,fan' })).toBe('DeviceName: expected a list (an array), received "light,fan"');
    expect(refusal({ DeviceName: ['a', 'b', 'c', 'd'] })).toBe('DeviceName: expected at most 3 items, received 4');
    expect(refusal({ DeviceName: [] })).toBe('DeviceName: expected at least 1 item (required), received 0');
    expect(refusal({ DeviceName: ['a', 'much-too-long'] })).toBe(
      'DeviceName.2: expected at most 8 characters, received 13',
    );
    expect(refusal({ DeviceName: ['a', null] })).toBe('DeviceName.2: expected a value, received null');
    expect(refusal({ DeviceName: ['a', 7] })).toBe('DeviceName.2: expected a string, received 7');
    expect(refusal({ DeviceName: ['a'], DeviceNicknameInfo: [{ ProductKey: 'pk' }] })).toBe(
      'DeviceNicknameInfo.1.Nickname: expected a value (required), received nothing',
    );
    expect(refusal({ DeviceName: ['a'], DeviceNicknameInfo: [{ Nickname: 'x', Nick: 'y' }] })).toBe(
      'DeviceNicknameInfo.1.Nick: expected no such field; DeviceNicknameInfo.1 takes ProductKey, Nickname, Tag',
    );
    expect(refusal({ DeviceName: ['a'], DeviceNicknameInfo: [{ Nickname: 'x', Tag: [0] }] })).toBe(
      'DeviceNicknameInfo.1.Tag.1: expected >= 1, received 0',
    );
    expect(refusal({ DeviceName: ['a'], DeviceNicknameInfo: ['lamp'] })).toBe(
      'DeviceNicknameInfo.1: expected an object, received "lamp"',
    );
  });
});

describe('an object that travels as JSON text (content: application/json)', () => {
  it('is checked against its schema and sent as the JSON it was checked as', () => {
    let reads = 0;
    const config = {
      get TargetType() {
        reads += 1;
        return reads === 1 ? 'PRODUCT' : 'NOT-CHECKED';
      },
    };
    expect(validateParams(shapes, { DeviceName: ['a'], TargetConfig: config })).toEqual({
      'DeviceName.1': 'a',
      TargetConfig: '{"TargetType":"PRODUCT"}',
    });
    expect(reads).toBe(1);
  });

  it('refuses text, a wrong member, a missing field, too many items, cycles and BigInt', () => {
    const base = { DeviceName: ['a'] };
    expect(refusal({ ...base, TargetConfig: '{"TargetType":"PRODUCT"}' })).toBe(
      'TargetConfig: expected an object, received "{\\"TargetType\\":\\"PRODUCT\\"}"',
    );
    expect(refusal({ ...base, TargetConfig: { TargetType: 'ALL' } })).toBe(
      'TargetConfig.TargetType: expected one of DEVICE_LIST, PRODUCT, received "ALL"',
    );
    expect(refusal({ ...base, TargetConfig: {} })).toBe(
      'TargetConfig.TargetType: expected present (required), received nothing',
    );
    expect(refusal({ ...base, TargetConfig: { TargetType: 'PRODUCT', TargetDevices: [{}, {}, {}] } })).toBe(
      'TargetConfig.TargetDevices: expected at most 2 items, received 3',
    );
    const cycle: Record<string, unknown> = { TargetType: 'PRODUCT' };
    cycle.self = cycle;
    expect(refusal({ ...base, TargetConfig: cycle })).toMatch(
      /^TargetConfig: expected a value JSON can represent \(no cycle, no BigInt\)/,
    );
    expect(refusal({ ...base, TargetConfig: { TargetType: 'PRODUCT', n: 1n } })).toMatch(
      /^TargetConfig: expected a value JSON can represent/,
    );
  });
});

describe('the signing proxy reads what a browser sends back into the params the client checks', () => {
  const given = (pairs: [string, string][]) => {
    const map = new Map<string, string[]>();
    for (const [name, value] of pairs) map.set(name, [...(map.get(name) ?? []), value]);
    return map;
  };

  it('lists from Name.N, numbers typed, JSON text parsed; what the client sends is what the browser meant', () => {
    const read = browserParams(
      shapes,
      given([
        ['DeviceName.1', 'light'],
        ['DeviceName.2', 'fan'],
        ['DeviceNicknameInfo.1.Nickname', 'lamp'],
        ['DeviceNicknameInfo.1.Tag.1', '3'],
        ['TargetConfig', '{"TargetType":"PRODUCT"}'],
        ['Unrelated', 'dropped'],
      ]),
    );
    expect(read).toEqual({
      params: {
        DeviceName: ['light', 'fan'],
        DeviceNicknameInfo: [{ Nickname: 'lamp', Tag: [3] }],
        TargetConfig: { TargetType: 'PRODUCT' },
      },
    });
    if (!('params' in read)) throw new Error('refused');
    expect(validateParams(shapes, read.params)).toEqual({
      'DeviceName.1': 'light',
      'DeviceName.2': 'fan',
      'DeviceNicknameInfo.1.Nickname': 'lamp',
      'DeviceNicknameInfo.1.Tag.1': '3',
      TargetConfig: '{"TargetType":"PRODUCT"}',
    });
  });

  it('refuses an item given twice, a hole, and text that is not JSON', () => {
    expect(
      browserParams(
        shapes,
        given([
          ['DeviceName.1', 'a'],
          ['DeviceName.1', 'b'],
        ]),
      ),
    ).toEqual({
      repeated: { name: 'DeviceName.1', times: 2 },
    });
    expect(browserParams(shapes, given([['DeviceName.2', 'a']]))).toEqual({
      invalid: { name: 'DeviceName', reason: 'DeviceName.1 is missing: positions run 1…N without a hole' },
    });
    expect(browserParams(shapes, given([['TargetConfig', 'notjson']]))).toEqual({
      invalid: { name: 'TargetConfig', reason: 'TargetConfig: expected JSON text, received text that is not JSON' },
    });
  });
});

describe('page-number paging: pages 1, 2, … until the items reach the total', () => {
  const queryDevice: ActionDescriptor = {
    ...actions.QueryTask,
    action: 'QueryDevice',
    paging: {
      kind: 'page-number',
      pageParameter: 'CurrentPage',
      sizeParameter: 'PageSize',
      totalField: 'Total',
      items: 'Data.DeviceInfo',
    },
    parameters: [
      param({ name: 'CurrentPage', schema: { type: 'integer', minimum: 1 } }),
      param({ name: 'PageSize', schema: { type: 'integer', minimum: 1, maximum: 50 } }),
    ],
    responses: {
      '200': {
        contentTypes: ['application/json'],
        schema: {
          type: 'object',
          required: ['RequestId', 'Success'],
          properties: {
            RequestId: { type: 'string' },
            Success: { type: 'boolean', const: true },
            Total: { type: 'integer' },
            Data: { type: 'object', properties: { DeviceInfo: { type: 'array', items: { type: 'string' } } } },
          },
        },
      },
    },
  };
  const devices = ['a', 'b', 'c', 'd', 'e'];

  async function pagesOf(answer: (page: number, size: number) => unknown, options = {}) {
    const asked: string[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      const form = new URLSearchParams(`${new URL(request.url).search.slice(1)}&${await request.text()}`);
      asked.push(form.get('CurrentPage') ?? '(none)');
      const body = answer(Number(form.get('CurrentPage') ?? 1), Number(form.get('PageSize')));
      return Response.json({ RequestId: `R-${asked.length}`, Success: true, ...(body as object) });
    };
    const core = createIotTaskCore({ endpoint: 'http://127.0.0.1:9', signatureVersion: 'none', fetch, quota: false });
    const pages: unknown[] = [];
    for await (const page of paginate(core, queryDevice, { PageSize: 2 }, options)) pages.push(page);
    return { asked, pages };
  }

  it('asks page 2 and 3 and stops when the items reach Total', async () => {
    const { asked, pages } = await pagesOf((page, size) => ({
      Total: devices.length,
      Data: { DeviceInfo: devices.slice((page - 1) * size, page * size) },
    }));
    expect(asked).toEqual(['(none)', '2', '3']);
    expect(pages.flatMap((p) => (p as { Data: { DeviceInfo: string[] } }).Data.DeviceInfo)).toEqual(devices);
  });

  it('an empty page, a missing total or maxPages end the pages too (never a loop)', async () => {
    expect((await pagesOf(() => ({ Total: 99, Data: { DeviceInfo: [] } }))).asked).toEqual(['(none)']);
    expect((await pagesOf(() => ({ Data: { DeviceInfo: ['a'] } }))).asked).toEqual(['(none)']);
    expect((await pagesOf(() => ({ Total: 99, Data: { DeviceInfo: ['a'] } }), { maxPages: 4 })).asked).toEqual([
      '(none)',
      '2',
      '3',
      '4',
    ]);
  });
});
