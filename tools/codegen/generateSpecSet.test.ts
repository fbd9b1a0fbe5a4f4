import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createIotTaskCore } from '@iot-task/client';
import { requestParams, wireParams } from '@iot-task/contract';
import { actionHandler, createIotMock, fetchFromHandlers, type IotMock, TEST_CREDENTIALS } from '@iot-task/msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSpecSet } from './generateSpecSet.ts';
import { standaloneLayout } from './layout.ts';
import { jobFamilySet, manifestActions } from './specSetFacts.testing.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
// Inside the repository, so the generated code resolves zod, msw and react-query from node_modules.
const scratchRoot = path.join(import.meta.dirname, '.fixture-out');
let out: string;
let setDir: string;
/** The set generated: the job-family fixture, or the product plus what of it the product does not list yet. */
let fixtureSet: string;

beforeAll(async () => {
  await mkdir(scratchRoot, { recursive: true });
  out = await mkdtemp(path.join(scratchRoot, 'job-family-'));
  setDir = await mkdtemp(path.join(scratchRoot, 'job-family-set-'));
  fixtureSet = await jobFamilySet(repoRoot, setDir);
  await generateSpecSet(repoRoot, fixtureSet, out, standaloneLayout('', repoRoot, out));
}, 60_000);

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
  await rm(setDir, { recursive: true, force: true });
});

describe('the job-family fixture set (QueryTask, ListTask, QueryJob)', () => {
  it('lists every action in the generated manifest, with their own parameters', async () => {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    // Every action the set's api.yaml files list, in their order; the fixture's three among them.
    const listed = await manifestActions(repoRoot, fixtureSet);
    expect(listed).toEqual(expect.arrayContaining(['QueryTask', 'ListTask', 'QueryJob']));
    expect(Object.keys(actions)).toEqual(listed);
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
    // And every action the set lists, whatever it is: an exchange, and a missing case per required parameter of its own.
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    for (const action of await manifestActions(repoRoot, fixtureSet)) {
      const required = actions[action].parameters.filter(
        (p: { common: boolean; required: boolean; in: string }) => !p.common && p.required && p.in === 'query',
      );
      expect(ids).toEqual(
        expect.arrayContaining([
          `${action}/exchange/GET/JSON/v3`,
          ...required.map((p: { name: string }) => `${action}/missing/${p.name}`),
        ]),
      );
    }
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

describe('the job family on the mock and the client, from the fixture set', () => {
  async function family(mockOptions: Record<string, unknown> = {}) {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    const { examples } = await import(path.join(out, 'spec', 'examples.gen.ts'));
    const operations = await import(path.join(out, 'client', 'operations.gen.ts'));
    const mock = createIotMock({ spec: { actions, examples }, quota: false, ...mockOptions });
    const core = createIotTaskCore({
      endpoint: 'https://iot.cn-shanghai.aliyuncs.com',
      credentials: TEST_CREDENTIALS,
      quota: false,
      retry: false,
      fetch: mock.fetch,
    });
    return { mock, core, ...operations };
  }
  const seedJob = (mock: IotMock, jobId: string, scenarios: string[]) => {
    for (const [i, scenario] of scenarios.entries()) {
      mock.tasks.seed({
        TaskId: `${jobId}-${i}`,
        scenario: scenario as never,
        data: { JobId: jobId, JobName: `job ${jobId}` },
      });
    }
  };

  it('ListTask pages through the tasks of a job, Limit at a time, and its NextToken ends', async () => {
    const { mock, core, listTaskPages } = await family();
    seedJob(
      mock,
      'J1',
      Array.from({ length: 12 }, () => 'succeeds'),
    );
    const pages = [];
    for await (const page of listTaskPages(core, { Limit: 5, JobId: 'J1' })) pages.push(page);
    expect(pages.map((p) => p.Data.data.length)).toEqual([5, 5, 2]);
    expect(pages.map((p) => typeof p.NextToken)).toEqual(['string', 'string', 'undefined']);
    expect(pages.flatMap((p) => p.Data.data.map((t: { TaskId: string }) => t.TaskId))).toEqual(
      Array.from({ length: 12 }, (_, i) => `J1-${i}`),
    );
  });

  it('ListTask honours Status and Device, and listing moves no task along', async () => {
    const { mock, core, listTask, queryTask } = await family();
    seedJob(mock, 'J2', ['succeeds', 'rejected', 'succeeds']);
    mock.tasks.seed({ TaskId: 'D-1', data: { JobId: 'J3', IotId: 'dev-9' } });
    await queryTask(core, { TaskId: 'J2-1' });
    await queryTask(core, { TaskId: 'J2-1' });
    const sent = await listTask(core, { Limit: 50, JobId: 'J2', Status: 'SENT' });
    expect(sent.Data.data.map((t: { TaskId: string }) => t.TaskId)).toEqual(['J2-1']);
    const byDevice = await listTask(core, { Limit: 50, Device: { IotId: 'dev-9' } });
    expect(byDevice.Data.data.map((t: { TaskId: string }) => t.TaskId)).toEqual(['D-1']);
    // Listed twice, still QUEUED: only QueryTask moves a task per query.
    await listTask(core, { Limit: 50, JobId: 'J2' });
    const again = await listTask(core, { Limit: 50, JobId: 'J2', Status: 'QUEUED' });
    expect(again.Data.data.map((t: { TaskId: string }) => t.TaskId)).toEqual(['J2-0', 'J2-2']);
  });

  it('a NextToken is good for its own list, for one minute', async () => {
    let now = Date.parse('2026-11-26T00:00:00Z');
    const { mock, core, listTask } = await family({ now: () => now });
    seedJob(mock, 'J4', ['succeeds', 'succeeds', 'succeeds']);
    const first = await listTask(core, { Limit: 1, JobId: 'J4' });
    await expect(listTask(core, { Limit: 2, JobId: 'J4', NextToken: first.NextToken })).rejects.toMatchObject({
      kind: 'gateway',
      code: 'InvalidNextToken',
    });
    now += 61_000;
    await expect(listTask(core, { Limit: 1, JobId: 'J4', NextToken: first.NextToken })).rejects.toMatchObject({
      code: 'InvalidNextToken',
      message: 'NextToken has expired (it is good for one minute)',
    });
  });

  it("QueryJob agrees with the tasks it owns; unknown jobs are the spec's business error", async () => {
    const { mock, core, queryJob, queryTask, listTask } = await family();
    seedJob(mock, 'J5', ['rejected', 'cancelled']);
    expect((await queryJob(core, { JobId: 'J5' })).Data).toMatchObject({
      JobId: 'J5',
      JobName: 'job J5',
      Status: 'IN_PROGRESS',
    });
    for (let i = 0; i < 3; i++) for (const id of ['J5-0', 'J5-1']) await queryTask(core, { TaskId: id });
    expect((await queryJob(core, { JobId: 'J5' })).Data.Status).toBe('COMPLETED');
    await expect(queryJob(core, { JobId: 'nope' })).rejects.toMatchObject({
      kind: 'business',
      code: 'iot.job.JobNotFound',
    });
    await expect(listTask(core, { Limit: 1, JobId: 'nope' })).rejects.toMatchObject({ code: 'iot.job.JobNotFound' });
  });

  it('each API has its own quota: QueryTask throttled leaves ListTask its own', async () => {
    const { mock, core, listTask, queryTask } = await family({ quota: { requestsPerSecond: 2 } });
    seedJob(mock, 'J6', ['succeeds']);
    await queryTask(core, { TaskId: 'J6-0' });
    await queryTask(core, { TaskId: 'J6-0' });
    await expect(queryTask(core, { TaskId: 'J6-0' })).rejects.toMatchObject({ code: 'Throttling.User' });
    expect((await listTask(core, { Limit: 1, JobId: 'J6' })).Data.data).toHaveLength(1);
  });

  it('the client stops a service that hands out the same page token again: PaginationError, not a loop', async () => {
    const { actions } = await import(path.join(out, 'spec', 'actions.gen.ts'));
    const { listTaskPages } = await import(path.join(out, 'client', 'operations.gen.ts'));
    const looping = actionHandler('ListTask', () => ({
      body: { RequestId: 'R', Success: true, NextToken: 'again', Data: { data: [] } },
    }));
    const core = createIotTaskCore({
      endpoint: 'https://iot.cn-shanghai.aliyuncs.com',
      credentials: TEST_CREDENTIALS,
      quota: false,
      fetch: fetchFromHandlers([looping]),
    });
    let pages = 0;
    await expect(
      (async () => {
        for await (const _ of listTaskPages(core, { Limit: 1, JobId: 'J' })) pages++;
      })(),
    ).rejects.toMatchObject({ kind: 'pagination', code: 'RepeatedPageToken', pages: 2 });
    expect(pages).toBe(2);
    // The token kind, named since paging has kinds (`kind` defaults to token).
    const listPaging = actions.ListTask.paging;
    expect(listPaging).toEqual({
      ...(listPaging && 'kind' in listPaging ? { kind: 'token' } : {}),
      tokenParameter: 'NextToken',
      tokenField: 'NextToken',
      items: 'Data.data',
    });
  });
});
