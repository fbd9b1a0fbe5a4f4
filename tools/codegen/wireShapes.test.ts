import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionDocuments, wireShapeProblems } from '../spec-lint/lintSpecs.ts';
import { generateSpecSet } from './generateSpecSet.ts';
import { standaloneLayout } from './layout.ts';
import { bundleDocument, loadSpecSet, type OpenApiDocument } from './loadSpecSet.ts';
import { resolve } from './resolveRef.ts';
import { checkWireShapes } from './wireShapeRules.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const specs = path.join(repoRoot, 'specs');
const family = 'specs/fixtures/wire-shapes';
const generate = path.join(import.meta.dirname, 'generate.ts');

/** The rule and fix a document breaks, as generate and lint word them, or undefined when it keeps them. */
function broken(doc: OpenApiDocument): string | undefined {
  try {
    checkWireShapes(doc, (rule, fix) => {
      throw new Error(`${rule}. Fix: ${fix}`);
    });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const documents = new Map<string, OpenApiDocument>();
async function fixture(action: string): Promise<OpenApiDocument> {
  if (!documents.has(action)) {
    documents.set(action, await bundleDocument(path.join(repoRoot, family, `${action}.yaml`)));
  }
  return structuredClone(documents.get(action) as OpenApiDocument);
}

type Param = Record<string, unknown> & { name: string; content?: Record<string, unknown> };
/** The operation of that method on "/". */
const operation = (doc: OpenApiDocument, method: string) =>
  (doc.paths['/'] as Record<string, unknown>)[method] as Record<string, unknown>;
/** The document's own (inline) parameter of that name, to break it. */
function param(doc: OpenApiDocument, name: string): Param {
  const item = doc.paths['/'] as { parameters: unknown[] };
  const found = item.parameters.map((p) => resolve(doc, p) as Param).find((p) => p.name === name);
  if (!found) throw new Error(`no parameter ${name}`);
  return found;
}
function schemaOf(doc: OpenApiDocument, name: string): Record<string, unknown> {
  return resolve(doc, param(doc, name).schema) as Record<string, unknown>;
}
function setPaging(doc: OpenApiDocument, paging: unknown): void {
  for (const method of ['get', 'post']) operation(doc, method)['x-iot-task-paging'] = paging;
}
const pageNumber = {
  kind: 'page-number',
  pageParameter: 'CurrentPage',
  sizeParameter: 'PageSize',
  totalField: 'Total',
  items: 'Data.DeviceInfo',
};

describe('the RPC wire-shape rules (generate and lint)', () => {
  it('every document of every spec set keeps them, the wire-shapes family included', async () => {
    const found = await actionDocuments(specs);
    expect(found.map((d) => path.relative(specs, d))).toEqual(
      expect.arrayContaining([
        'fixtures/wire-shapes/BatchQueryDeviceDetail.yaml',
        'fixtures/wire-shapes/BatchUpdateDeviceNickname.yaml',
        'fixtures/wire-shapes/CreateJob.yaml',
        'fixtures/wire-shapes/QueryDevice.yaml',
        'fixtures/job-family/ListTask.yaml',
        'iot-2018-01-20/QueryTask.yaml',
      ]),
    );
    expect(await wireShapeProblems(found, repoRoot)).toEqual([]);
  });

  const cases: [string, string, (doc: OpenApiDocument) => void, string][] = [
    [
      'a list without maxItems',
      'BatchQueryDeviceDetail',
      (doc) => delete schemaOf(doc, 'DeviceName').maxItems,
      'list parameter DeviceName has no maxItems. Fix: set maxItems to the most the API takes in one call (mark it x-iot-task-assumed when no document states it)',
    ],
    [
      'a list that is not style form, explode true',
      'BatchQueryDeviceDetail',
      (doc) => {
        param(doc, 'DeviceName').explode = false;
      },
      'list parameter DeviceName must say style: form and explode: true (it travels as DeviceName.1=…&DeviceName.2=…). Fix: add style: form and explode: true to DeviceName',
    ],
    [
      'a list whose style is left to the default',
      'BatchQueryDeviceDetail',
      (doc) => delete param(doc, 'DeviceName').style,
      'list parameter DeviceName must say style: form and explode: true (it travels as DeviceName.1=…&DeviceName.2=…). Fix: add style: form and explode: true to DeviceName',
    ],
    [
      'minItems above maxItems',
      'BatchQueryDeviceDetail',
      (doc) => {
        schemaOf(doc, 'DeviceName').minItems = 101;
      },
      'list parameter DeviceName has minItems 101 above maxItems 100. Fix: make minItems at most maxItems',
    ],
    [
      'a list of lists',
      'BatchQueryDeviceDetail',
      (doc) => {
        schemaOf(doc, 'DeviceName').items = { type: 'array', items: { type: 'string' } };
      },
      "list parameter DeviceName's items must be scalars (DeviceName.N=…) or objects of scalar fields (DeviceName.N.Field=…). Fix: give items a scalar type, or type: object with scalar properties",
    ],
    [
      'a list of objects with an object field',
      'BatchUpdateDeviceNickname',
      (doc) => {
        const items = resolve(doc, schemaOf(doc, 'DeviceNicknameInfo').items) as {
          properties: Record<string, unknown>;
        };
        items.properties.Owner = { type: 'object', properties: { Uid: { type: 'string' } } };
      },
      "list parameter DeviceNicknameInfo's items have a field Owner that is not a scalar; only DeviceNicknameInfo.N.Field=… is described. Fix: make Owner a string, integer, number or boolean",
    ],
    [
      'an object parameter with a schema, not JSON text',
      'CreateJob',
      (doc) => {
        const p = param(doc, 'TargetConfig');
        p.schema = (p.content as Record<string, { schema: unknown }>)['application/json']?.schema;
        delete p.content;
      },
      'parameter TargetConfig is an object in the query; RPC sends an object only as JSON text. Fix: replace its schema with content: { application/json: { schema: … } }',
    ],
    [
      'content of another media type',
      'CreateJob',
      (doc) => {
        const p = param(doc, 'TargetConfig');
        p.content = { 'application/xml': p.content?.['application/json'] };
      },
      'parameter TargetConfig is sent as application/xml; an RPC parameter sent as a document is JSON text, one media type. Fix: content: { application/json: { schema: { type: object, properties: … } } }',
    ],
    [
      'JSON text that is not an object',
      'CreateJob',
      (doc) => {
        param(doc, 'JobFile').content = {
          'application/json': { schema: { type: 'string' } },
        };
      },
      "parameter JobFile's JSON text must describe an object (type: object with properties). Fix: give the schema under content.application/json type: object and its properties",
    ],
    [
      'both schema and content',
      'CreateJob',
      (doc) => {
        param(doc, 'JobFile').schema = { type: 'string' };
      },
      'parameter JobFile has both schema and content. Fix: keep one: schema for a value or a list, content: { application/json: { schema } } for an object sent as JSON text',
    ],
    [
      "an action's own parameter in a header",
      'CreateJob',
      (doc) => {
        param(doc, 'JobName').in = 'header';
      },
      "parameter JobName is in header; an RPC action's own parameters travel in the query. Fix: declare JobName with in: query",
    ],
    [
      'a paging of an unknown kind',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, kind: 'offset' }),
      'x-iot-task-paging.kind must be token or page-number, not "offset". Fix: x-iot-task-paging: { kind: token, tokenParameter: NextToken, tokenField: NextToken, items: Data.data }, or x-iot-task-paging: { kind: page-number, pageParameter: CurrentPage, sizeParameter: PageSize, totalField: Total, items: Data.DeviceInfo }',
    ],
    [
      'a page-number paging without its size parameter',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, sizeParameter: undefined }),
      'x-iot-task-paging of kind page-number must name pageParameter, sizeParameter, totalField and items (missing sizeParameter). Fix: x-iot-task-paging: { kind: page-number, pageParameter: CurrentPage, sizeParameter: PageSize, totalField: Total, items: Data.DeviceInfo }',
    ],
    [
      'a page-number paging that names a token field',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, tokenField: 'NextToken' }),
      'x-iot-task-paging of kind page-number takes pageParameter, sizeParameter, totalField, items; tokenField does not belong. Fix: x-iot-task-paging: { kind: page-number, pageParameter: CurrentPage, sizeParameter: PageSize, totalField: Total, items: Data.DeviceInfo }',
    ],
    [
      'a page parameter that is not an integer',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, pageParameter: 'NextToken' }),
      'the paged action has no integer query parameter NextToken (x-iot-task-paging.pageParameter). Fix: add NextToken (in: query, schema type: integer), or name the one that asks for a page by its number',
    ],
    [
      'a page size of no known value',
      'QueryDevice',
      (doc) => delete schemaOf(doc, 'PageSize').default,
      "the page size PageSize (x-iot-task-paging.sizeParameter) has no default and is not required, so how many pages there are is unknown. Fix: give PageSize the server's page size as its default (e.g. default: 10), or make it required",
    ],
    [
      'a total that is not an integer field',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, totalField: 'NextToken' }),
      "the paged action's success body has no integer NextToken field (x-iot-task-paging.totalField). Fix: add NextToken (type: integer, the number of items of all pages) to the success body, or name the field that holds it",
    ],
    [
      'a total the answer may leave out',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, totalField: 'PageCount' }),
      "the paged action's PageCount (x-iot-task-paging.totalField) is not required in the success body: without it the pages cannot end. Fix: add PageCount to the success body's required list",
    ],
    [
      'page-number items that are not an array',
      'QueryDevice',
      (doc) => setPaging(doc, { ...pageNumber, items: 'Data' }),
      "the paged action's success body has no array at Data (x-iot-task-paging.items). Fix: name the dotted path of the page's items, e.g. Data.data",
    ],
    [
      'operations that disagree on their paging',
      'QueryDevice',
      (doc) => {
        operation(doc, 'post')['x-iot-task-paging'] = { ...pageNumber, items: 'Data' };
      },
      'every operation on "/" must carry the same x-iot-task-paging. Fix: copy x-iot-task-paging to every operation',
    ],
  ];

  for (const [name, action, breakIt, line] of cases) {
    it(`refuses ${name}, with the rule and its fix`, async () => {
      const doc = await fixture(action);
      expect(broken(doc)).toBeUndefined();
      breakIt(doc);
      expect(broken(doc)).toBe(line);
    });
  }

  it('takes a token paging with or without its kind', async () => {
    const doc = await bundleDocument(path.join(specs, 'fixtures/job-family/ListTask.yaml'));
    const token = { tokenParameter: 'NextToken', tokenField: 'NextToken', items: 'Data.data' };
    expect(checkWireShapes(doc, () => undefined as never)).toEqual({ kind: 'token', ...token });
    setPaging(doc, { kind: 'token', ...token });
    expect(checkWireShapes(doc, () => undefined as never)).toEqual({ kind: 'token', ...token });
  });

  describe('on disk', () => {
    let root: string;
    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'iot-task-wire-shapes-'));
      await cp(path.join(specs, 'iot-2018-01-20'), path.join(root, 'specs', 'iot-2018-01-20'), { recursive: true });
      await cp(path.join(specs, 'fixtures', 'wire-shapes'), path.join(root, family), { recursive: true });
      const at = path.join(root, family, 'BatchQueryDeviceDetail.yaml');
      await writeFile(at, (await readFile(at, 'utf8')).replace(/^ {10}maxItems: 100\n/m, ''));
      await appendTo(
        path.join(root, 'specs', 'iot-2018-01-20', 'api.yaml'),
        '  - ../fixtures/wire-shapes/BatchQueryDeviceDetail.yaml\n',
      );
    });
    afterAll(() => rm(root, { recursive: true, force: true }));

    const line = `${family}/BatchQueryDeviceDetail.yaml: list parameter DeviceName has no maxItems. Fix: set maxItems to the most the API takes in one call (mark it x-iot-task-assumed when no document states it)`;

    it('the spec lint names the document, the rule and the fix', async () => {
      const found = await actionDocuments(path.join(root, 'specs'));
      expect(await wireShapeProblems(found, root)).toEqual([line]);
    });

    it('npm run generate stops with the same line', () => {
      const r = spawnSync(process.execPath, [generate, '--root', root], { encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe(`generate failed: ${line}\n`);
      expect(r.status).toBe(1);
    }, 60_000);
  });
});

async function appendTo(file: string, text: string): Promise<void> {
  await writeFile(file, `${await readFile(file, 'utf8')}${text}`);
}

describe('the wire-shapes fixture family, generated', () => {
  // Inside the repository, so the generated code resolves react-query and vitest from node_modules.
  const scratchRoot = path.join(import.meta.dirname, '.fixture-out');
  let out: string;
  beforeAll(async () => {
    await mkdir(scratchRoot, { recursive: true });
    out = await mkdtemp(path.join(scratchRoot, 'wire-shapes-'));
    await generateSpecSet(repoRoot, `${family}/api.yaml`, out, standaloneLayout('', repoRoot, out));
  }, 60_000);
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('extends the product: every action, a write at 10/s, a paged read at 50/s', async () => {
    const set = await loadSpecSet(repoRoot, `${family}/api.yaml`);
    expect(set.actions.map((a) => [a.action, a.operationType])).toEqual([
      ['QueryTask', 'read'],
      ['BatchQueryDeviceDetail', 'read'],
      ['BatchUpdateDeviceNickname', 'write'],
      ['QueryDevice', 'read'],
      ['CreateJob', 'write'],
    ]);
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    expect(actions.BatchUpdateDeviceNickname.quota).toEqual({ requestsPerSecond: 10, scope: 'account' });
    expect(actions.QueryDevice.quota).toEqual({ requestsPerSecond: 50, scope: 'account' });
    expect(actions.QueryDevice.paging).toEqual({
      kind: 'page-number',
      pageParameter: 'CurrentPage',
      sizeParameter: 'PageSize',
      totalField: 'Total',
      items: 'Data.DeviceInfo',
    });
    expect(actions.QueryTask.paging).toBeNull();
  });

  it('keeps in each parameter descriptor what the runtime needs to send it', async () => {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    const of = (action: string, name: string) =>
      actions[action].parameters.find((p: { name: string }) => p.name === name);
    expect(of('BatchQueryDeviceDetail', 'DeviceName')).toEqual({
      name: 'DeviceName',
      in: 'query',
      required: true,
      common: false,
      schema: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 32 } },
      example: ['light', 'mydevice'],
    });
    expect(of('BatchUpdateDeviceNickname', 'DeviceNicknameInfo')).toMatchObject({
      required: true,
      schema: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          properties: {
            ProductKey: { type: 'string' },
            DeviceName: { type: 'string' },
            IotId: { type: 'string' },
            Nickname: { type: 'string', maxLength: 32 },
          },
        },
      },
    });
    const target = of('CreateJob', 'TargetConfig');
    expect(target).toMatchObject({ required: true, contentType: 'application/json' });
    expect(target.schema).toEqual({
      type: 'object',
      required: ['targetType'],
      additionalProperties: false,
      properties: {
        targetType: { type: 'string', enum: ['PRODUCT_KEY', 'DEVICE_LIST', 'GROUP'] },
        targetProduct: { type: 'string', minLength: 1 },
        targetGroup: { type: 'string', minLength: 1 },
        targetDevices: {
          type: 'array',
          maxItems: 1000,
          items: {
            type: 'object',
            required: ['productKey', 'deviceName'],
            additionalProperties: false,
            properties: { productKey: { type: 'string', minLength: 1 }, deviceName: { type: 'string', minLength: 1 } },
          },
        },
      },
    });
    for (const name of ['JobFile', 'RolloutConfig', 'TimeoutConfig', 'SchedulingConfig']) {
      expect(of('CreateJob', name)).toMatchObject({ required: false, contentType: 'application/json' });
    }
    expect(of('CreateJob', 'RolloutConfig').schema.properties.maximumPerMinute).toEqual({
      type: 'integer',
      minimum: 50,
      maximum: 1000,
    });
    expect(of('QueryDevice', 'PageSize').schema).toEqual({ type: 'integer', minimum: 1, maximum: 50, default: 10 });
  });

  it("the infinite query of a page-number action: page 1, then +1 while page × size < the answer's Total", async () => {
    const hooks = await import(path.join(out, 'react', 'hooks.gen.ts'));
    const client = { endpoint: { baseUrl: 'https://iot.cn-shanghai.aliyuncs.com' } } as never;
    const byDefault = hooks.queryDeviceInfiniteQueryOptions(client, {});
    expect(byDefault.initialPageParam).toBe(1);
    // PageSize 10 (the spec's default): 25 devices are pages 1, 2 and 3.
    expect([1, 2, 3].map((page) => byDefault.getNextPageParam({ Total: 25 }, [], page))).toEqual([2, 3, undefined]);
    expect(byDefault.getNextPageParam({ Total: 0 }, [], 1)).toBeUndefined();
    const fives = hooks.queryDeviceInfiniteQueryOptions(client, { PageSize: 5 });
    expect([1, 2].map((page) => fives.getNextPageParam({ Total: 10 }, [], page))).toEqual([2, undefined]);
    expect(byDefault.queryKey).not.toEqual(fives.queryKey);
    expect(Object.keys(hooks).filter((k) => /^use/.test(k))).toEqual(
      expect.arrayContaining(['useBatchQueryDeviceDetail', 'useQueryDevice', 'useQueryDeviceInfinite']),
    );
    // Writes are no queries: a mutation each, and nothing that fetches by itself.
    expect(
      Object.keys(hooks)
        .filter((k) => /CreateJob|BatchUpdateDeviceNickname/i.test(k))
        .sort(),
    ).toEqual([
      'batchUpdateDeviceNicknameMutationOptions',
      'createJobMutationOptions',
      'useBatchUpdateDeviceNickname',
      'useCreateJob',
    ]);
    const mutation = hooks.createJobMutationOptions(client);
    expect(mutation.mutationKey).toEqual(['iot-task', 'CreateJob', 'https://iot.cn-shanghai.aliyuncs.com']);
    expect(mutation.retry).toBe(false);
  });

  it('types every shape: lists as arrays, JSON text as its object, and an action without a required parameter still checks keys and types', async () => {
    await writeFile(
      path.join(out, 'probe.ts'),
      `import { expectTypeOf } from 'vitest';
import type { QueryDeviceData } from './client/actions/QueryDevice/index.js';
import type { IotTaskActions } from './client/actions.gen.js';
import type {
  BatchQueryDeviceDetailParams,
  BatchUpdateDeviceNicknameParams,
  CreateJobParams,
  CreateJobResult,
  QueryDeviceParams,
  QueryDeviceResult,
} from './client/operations.gen.js';
import type { ActionMutationOptions } from '@iot-task/react';
import * as hooks from './react/hooks.gen.js';
import type { PageNumberPages } from './react/hooks.gen.js';
import type { ActionDescriptor, PagingDescriptor } from './spec/index.gen.js';
import { QueryDevice } from './spec/index.gen.js';

// What Omit<QueryDeviceData['query'], …> was: {} (query is optional), so anything compiled.
export const before: Omit<QueryDeviceData['query'], 'Action'> = { PageSize: '10', PageSzie: 10 };

// An action without a required parameter: none needed, but keys and types are checked.
export const none: QueryDeviceParams = {};
export const page: QueryDeviceParams = { ProductKey: 'a1BwAGV****', PageSize: 10, CurrentPage: 2 };
// @ts-expect-error PageSize is an integer, not a string
export const wrongType: QueryDeviceParams = { PageSize: '10' };
// @ts-expect-error PageSzie is not a parameter of QueryDevice
export const typo: QueryDeviceParams = { PageSzie: 10 };
// @ts-expect-error the common parameters are the runtime's
export const common: QueryDeviceParams = { Action: 'QueryDevice' };
expectTypeOf<QueryDeviceParams>().toEqualTypeOf<{
  ProductKey?: string;
  PageSize?: number;
  CurrentPage?: number;
  NextToken?: string;
  IotInstanceId?: string;
}>();

// A list: an array of its items.
expectTypeOf<BatchQueryDeviceDetailParams['DeviceName']>().toEqualTypeOf<string[]>();
export const list: BatchQueryDeviceDetailParams = { DeviceName: ['light', 'mydevice'], ProductKey: 'a1BwAGV****' };
// @ts-expect-error DeviceName is a list
export const notAList: BatchQueryDeviceDetailParams = { DeviceName: 'light', ProductKey: 'a1BwAGV****' };

// A list of objects: an array of the object type.
expectTypeOf<BatchUpdateDeviceNicknameParams['DeviceNicknameInfo']>().toEqualTypeOf<
  { ProductKey?: string; DeviceName?: string; IotId?: string; Nickname?: string }[]
>();
export const nicknames: BatchUpdateDeviceNicknameParams = {
  DeviceNicknameInfo: [{ IotId: 'Q7uOhVRdZRRlDnTLv****00100', Nickname: 'lamp' }],
};
// @ts-expect-error Nick is not a field of DeviceNicknameInfo
export const badField: BatchUpdateDeviceNicknameParams = { DeviceNicknameInfo: [{ IotId: 'i', Nick: 'lamp' }] };

// JSON text: its object type, not a string.
expectTypeOf<CreateJobParams['TargetConfig']>().toEqualTypeOf<{
  targetType: 'PRODUCT_KEY' | 'DEVICE_LIST' | 'GROUP';
  targetProduct?: string;
  targetGroup?: string;
  targetDevices?: { productKey: string; deviceName: string }[];
}>();
expectTypeOf<NonNullable<CreateJobParams['TimeoutConfig']>>().toEqualTypeOf<{ inProgressTimeoutInMinutes?: number }>();
export const job: CreateJobParams = {
  JobName: 'oneJob',
  Type: 'CUSTOM_JOB',
  JobDocument: '{"operation":"upgrade"}',
  TargetConfig: { targetType: 'PRODUCT_KEY', targetProduct: 'a1j***3d' },
  RolloutConfig: { maximumPerMinute: 1000, messageQoS: 'Qos1' },
};
// @ts-expect-error TargetConfig is an object; the runtime writes the JSON text
export const asText: CreateJobParams = { ...job, TargetConfig: '{"targetType":"PRODUCT_KEY"}' };
// @ts-expect-error targetType is one of three
export const badTarget: CreateJobParams = { ...job, TargetConfig: { targetType: 'ALL' } };

// Paging: the descriptor says its kind; the page-number action iterates pages and has an infinite hook.
expectTypeOf(QueryDevice.paging).toEqualTypeOf<{
  readonly kind: 'page-number';
  readonly pageParameter: 'CurrentPage';
  readonly sizeParameter: 'PageSize';
  readonly totalField: 'Total';
  readonly items: 'Data.DeviceInfo';
}>();
expectTypeOf(QueryDevice.paging).toExtend<PagingDescriptor>();
expectTypeOf(QueryDevice).toExtend<ActionDescriptor>();
expectTypeOf<PagingDescriptor['kind']>().toEqualTypeOf<'token' | 'page-number'>();
export type Methods = keyof IotTaskActions;
export const methods: Methods[] = ['queryDevice', 'queryDevicePages', 'createJob', 'batchUpdateDeviceNickname'];
// @ts-expect-error BatchQueryDeviceDetail is not paged
export const noPages: Methods = 'batchQueryDeviceDetailPages';
expectTypeOf(hooks.useQueryDeviceInfinite).returns.toHaveProperty('data').toEqualTypeOf<
  PageNumberPages<QueryDeviceResult> | undefined
>();
expectTypeOf<QueryDeviceResult['Total']>().toEqualTypeOf<number>();
// A write action's hook is a mutation of its parameters: nothing to pass until mutate().
expectTypeOf(hooks.useCreateJob).parameters.toEqualTypeOf<[options?: ActionMutationOptions<CreateJobResult, CreateJobParams>]>();
expectTypeOf(hooks.useCreateJob).returns.toHaveProperty('mutate').parameter(0).toEqualTypeOf<CreateJobParams>();
// @ts-expect-error a write is no query: no Suspense hook, no query options
void hooks.useSuspenseCreateJob;
`,
    );
    await writeFile(
      path.join(out, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(repoRoot, 'tsconfig.base.json'), include: ['**/*.ts'] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(out, 'tsconfig.json')], { encoding: 'utf8' });
    // The probe's own lines: every assertion holds and every @ts-expect-error is needed. (That the
    // generated operations and hooks compile against the runtime's built types is the
    // every-action proof's to show: it depends on how far the runtime has been rebuilt.)
    const probe = (result.stdout + result.stderr).split('\n').filter((l) => /probe\.ts\(/.test(l));
    expect(probe).toEqual([]);
  }, 60_000);
});
