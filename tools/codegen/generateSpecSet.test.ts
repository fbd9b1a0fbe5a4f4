import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { requestParams, wireParams } from '@iot-task/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpecSet } from './generateSpecSet.ts';
import { standaloneLayout } from './layout.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const fixtureSet = 'specs/fixtures/job-family/api.yaml';
// Inside the repository, so the generated code resolves zod, msw and react-query from node_modules.
const scratchRoot = path.join(import.meta.dirname, '.fixture-out');
let out: string;

beforeAll(async () => {
  await mkdir(scratchRoot, { recursive: true });
  out = await mkdtemp(path.join(scratchRoot, 'job-family-'));
  await generateSpecSet(repoRoot, fixtureSet, out, standaloneLayout('', repoRoot, out));
}, 60_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('the job-family fixture set (QueryTask, ListTask, QueryJob)', () => {
  it('lists every action in the generated manifest, with their own parameters', async () => {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    expect(Object.keys(actions)).toEqual(['QueryTask', 'ListTask', 'QueryJob']);
    const own = (name: string) =>
      actions[name].parameters.filter((p: { common: boolean }) => !p.common).map((p: { name: string }) => p.name);
    expect(own('QueryTask')).toEqual(['TaskId', 'IotInstanceId']);
    expect(own('ListTask')).toEqual(['Limit', 'JobId', 'NextToken', 'Device', 'Status', 'IotInstanceId']);
    const limit = actions.ListTask.parameters.find((p: { name: string }) => p.name === 'Limit');
    expect(limit).toMatchObject({ in: 'query', required: true, schema: { type: 'integer', minimum: 1, maximum: 50 } });
    expect(actions.ListTask.xmlRoot).toBe('ListTaskResponse');
  });

  it('derives contract cases for every action, from their own parameters', async () => {
    const { contractCases } = await import(path.join(out, 'contract', 'cases.gen.ts'));
    const ids: string[] = contractCases.map((c: { id: string }) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'QueryTask/missing/TaskId',
        'ListTask/missing/Limit',
        'ListTask/invalid/Limit/maximum',
        'ListTask/invalid/Limit/type',
        'ListTask/invalid/Status/enum',
        'ListTask/exchange/POST/XML/v1',
        'QueryJob/missing/JobId',
        'QueryJob/invalid/JobId/maxLength',
        'QueryJob/invalid/RegionId/pattern',
        'QueryJob/exchange/GET/JSON/v3',
      ]),
    );
  });

  it('builds the ordinary request of every action from the spec, typed as the client takes it', async () => {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    expect(requestParams(actions.ListTask, {})).toEqual({ params: { Limit: 10 } });
    expect(requestParams(actions.QueryJob, {})).toEqual({ params: { JobId: '450407b***' } });
    expect(requestParams(actions.QueryTask, { IotInstanceId: 'iot-1' })).toEqual({
      params: { TaskId: 'MSnT9***q010101', IotInstanceId: 'iot-1' },
    });
    expect(wireParams({ Limit: 10, Device: { IotId: 'd' } })).toEqual({ Limit: '10', Device: '{"IotId":"d"}' });
    const withoutExample = {
      ...actions.QueryJob,
      parameters: actions.QueryJob.parameters.map((p: { name: string }) =>
        p.name === 'JobId' ? { ...p, example: undefined } : p,
      ),
    };
    expect(requestParams(withoutExample, {})).toEqual({
      cannot:
        "QueryJob's required parameter JobId has no example, default, const or enum in the spec, and the target names no value for it",
    });
  });

  it('types both actions: a probe using them compiles, and misuse is rejected', async () => {
    await writeFile(
      path.join(out, 'probe.ts'),
      `import { listTask, type ListTaskData, type ListTaskResponse } from './client/actions/ListTask/index.js';
import { queryTask, type QueryTaskData, type QueryTaskResponse } from './client/actions/QueryTask/index.js';
import { listTaskPages, queryJob, type ListTaskParams, type ListTaskResult } from './client/operations.gen.js';
import type { IotTaskActions } from './client/actions.gen.js';
import { useListTask, useListTaskInfinite, useQueryJob, useQueryTask } from './react/hooks.gen.js';
import type { ActionName } from './spec/index.gen.js';
import type { paths } from './spec/ListTask.types.gen.js';

export const listQuery: ListTaskData['query'] = { Limit: 10, JobId: 'job-1', Status: 'IN_PROGRESS' };
export const taskQuery: QueryTaskData['query'] = { TaskId: 'MSnT9***q010101' };
export const names: ActionName[] = ['QueryTask', 'ListTask', 'QueryJob'];
export const sdk = [listTask, queryTask];
export const operations = [listTaskPages, queryJob];
export const hooks = [useListTask, useListTaskInfinite, useQueryJob, useQueryTask];
export const page: ListTaskParams = { Limit: 10, JobId: 'job-1', NextToken: 't' };
export function nextToken(result: ListTaskResult): string | undefined {
  return result.NextToken;
}
export type Methods = keyof IotTaskActions;
export const methods: Methods[] = ['queryTask', 'listTask', 'listTaskPages', 'queryJob'];

export function firstTaskId(body: ListTaskResponse): string | undefined {
  return body.Success ? body.Data.data[0]?.TaskId : undefined;
}
export function status(body: QueryTaskResponse): string {
  return body.Success ? body.Data.Status : body.Code;
}
type OtLimit = NonNullable<paths['/']['get']['parameters']['query']>['Limit'];
export const otLimit: OtLimit = 50;

// @ts-expect-error Limit is an integer, not a string
export const badLimit: ListTaskData['query'] = { Limit: '10' };
// @ts-expect-error TaskId is required
export const noTaskId: QueryTaskData['query'] = {};
// @ts-expect-error QueryJobs is not an action of this set
export const notAnAction: ActionName = 'QueryJobs';
// @ts-expect-error Status is one of the 8 task statuses
export const badStatus: ListTaskData['query'] = { Limit: 1, Status: 'DONE' };
// @ts-expect-error QueryJob is not paged
export const noPages: Methods = 'queryJobPages';
// @ts-expect-error the common parameters are the runtime's
export const noAction: ListTaskParams = { Limit: 1, Action: 'ListTask' };
`,
    );
    await writeFile(
      path.join(out, 'tsconfig.json'),
      JSON.stringify({ extends: path.join(repoRoot, 'tsconfig.base.json'), include: ['**/*.ts'] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', path.join(out, 'tsconfig.json')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);

  it('sends each action the RPC way: GET / with its own typed query', async () => {
    const sent: Request[] = [];
    const fetch = async (request: Request) => {
      sent.push(request);
      return Response.json({ RequestId: 'r-1', Success: true, Data: { data: [] } });
    };
    const { createClient } = await import(path.join(out, 'client', 'client', 'index.ts'));
    const client = createClient({ baseUrl: 'https://iot.cn-shanghai.aliyuncs.com', fetch });
    const { listTask } = await import(path.join(out, 'client', 'actions', 'ListTask', 'index.ts'));
    const { queryTask } = await import(path.join(out, 'client', 'actions', 'QueryTask', 'index.ts'));
    await listTask({ client, query: { Action: 'ListTask', Limit: 10, JobId: 'job-1' } });
    await queryTask({ client, query: { Action: 'QueryTask', TaskId: 'MSnT9***q010101' } });
    const urls = sent.map((r) => new URL(r.url));
    expect(urls.map((u) => [u.pathname, u.searchParams.get('Action')])).toEqual([
      ['/', 'ListTask'],
      ['/', 'QueryTask'],
    ]);
    expect(urls[0]?.searchParams.get('Limit')).toBe('10');
    expect(urls[1]?.searchParams.get('TaskId')).toBe('MSnT9***q010101');
    expect(sent.map((req) => req.method)).toEqual(['GET', 'GET']);
  });
});
