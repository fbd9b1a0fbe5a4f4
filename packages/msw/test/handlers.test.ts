import { QueryTaskExamples } from '@iot-task/spec';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleQueryTask } from '../src/index.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const url = (query: string) => `https://iot.cn-shanghai.aliyuncs.com/?${query}`;
const example = QueryTaskExamples['200']['application/json'].Succeeded;

describe('generated handler factories', () => {
  it("handleQueryTask() answers with the spec's example", async () => {
    server.use(handleQueryTask());
    const body = await (await fetch(url('Action=QueryTask&TaskId=x&Format=JSON'))).json();
    expect(body).toEqual(example);
  });

  it('takes a body and a status, in the spirit of msw', async () => {
    server.use(handleQueryTask({ body: { RequestId: 'r', Success: false, Code: 'iot.system.SystemException' } }));
    const response = await fetch(url('Action=QueryTask&TaskId=x&Format=JSON'));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ Success: false, Code: 'iot.system.SystemException' });
  });

  it('takes a resolver that sees the decoded parameters', async () => {
    server.use(
      handleQueryTask(({ params, format }) => ({
        body: { ...example, Data: { ...example.Data, TaskId: params.TaskId ?? '', Message: format } },
      })),
    );
    const body = await (await fetch(url('Action=QueryTask&TaskId=%E4%BD%9C%E4%B8%9A&Format=JSON'))).json();
    expect(body.Data).toMatchObject({ TaskId: '作业', Message: 'JSON' });
  });

  it('routes by action: from the query, a form body, or x-acs-action; GET and POST', async () => {
    server.use(handleQueryTask());
    const viaQuery = await fetch(url('Action=QueryTask&TaskId=x&Format=JSON'), { method: 'POST' });
    const viaForm = await fetch('https://iot.cn-shanghai.aliyuncs.com/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=QueryTask&TaskId=x&Format=JSON',
    });
    const viaHeader = await fetch(url('TaskId=x'), {
      method: 'POST',
      headers: { 'x-acs-action': 'QueryTask', accept: 'application/json' },
    });
    for (const response of [viaQuery, viaForm, viaHeader])
      expect((await response.json()).RequestId).toBe(example.RequestId);
  });

  it('steps aside for other actions, so handlers of several actions can be registered together', async () => {
    server.use(
      handleQueryTask(),
      http.all('*/', () => HttpResponse.json({ other: true })),
    );
    expect(await (await fetch(url('Action=ListTask&Limit=1&Format=JSON'))).json()).toEqual({ other: true });
  });

  it('answers XML shaped like the seed example when asked (and by default, as the service does)', async () => {
    server.use(handleQueryTask());
    for (const query of ['Action=QueryTask&TaskId=x&Format=XML', 'Action=QueryTask&TaskId=x']) {
      const response = await fetch(url(query));
      expect(response.headers.get('content-type')).toContain('text/xml');
      const text = await response.text();
      expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<QueryTaskResponse>/);
      expect(text).toContain('<Status>SUCCEEDED</Status>');
      expect(text).toContain('<Progress>80</Progress>');
      expect(text).toContain('<StatusDetail>{ "msg":"this is message reported by device" }</StatusDetail>');
    }
  });

  it('once: answers one request, then steps aside', async () => {
    server.use(
      handleQueryTask(undefined, { once: true }),
      http.all('*/', () => HttpResponse.json({ later: true })),
    );
    expect((await (await fetch(url('Action=QueryTask&TaskId=x&Format=JSON'))).json()).RequestId).toBeDefined();
    expect(await (await fetch(url('Action=QueryTask&TaskId=x&Format=JSON'))).json()).toEqual({ later: true });
  });
});
