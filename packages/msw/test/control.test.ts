import { createIotTaskClient } from '@iot-task/client';
import { afterEach, describe, expect, it } from 'vitest';
import { createIotMock, EXAMPLE_TASK_ID, IotMockOptionError, TEST_CREDENTIALS } from '../src/index.ts';

// The control surface, answered in-process (`mock.fetch`) with the headers a browser or a tool
// would send; the mock server's own tests send the same over real HTTP.
const ORIGIN = 'http://127.0.0.1:4010';
const mock = createIotMock({ control: true, quota: false });
afterEach(() => mock.reset());

const json = { 'content-type': 'application/json' };
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  mock.fetch(`${ORIGIN}/__mock/${path}`, { method: 'POST', headers: { ...json, ...headers }, body });

describe('a control body that is JSON but not what the endpoint takes', () => {
  for (const [body, kind] of [
    ['null', 'null'],
    ['[]', 'an array'],
    ['[{"TaskId":"T-1"}]', 'an array'],
    ['5', 'a number'],
    ['"drop"', 'a string'],
    ['true', 'a boolean'],
  ] as const) {
    it(`${body}: 400 naming the object expected, for tasks and faults alike; nothing changes`, async () => {
      const tasks = await post('tasks', body);
      expect(tasks.status).toBe(400);
      expect((await tasks.json()).error).toBe(
        `expected a JSON object { "TaskId": …, "scenario"?: … }, received ${kind}`,
      );
      const faults = await post('faults', body);
      expect(faults.status).toBe(400);
      expect((await faults.json()).error).toBe(`expected a JSON object { "fault": …, "times"?: … }, received ${kind}`);
      expect(mock.faults.pending).toBe(0);
      expect(mock.tasks.steps().map((t) => t.TaskId)).toEqual([EXAMPLE_TASK_ID]);
    });
  }

  it('a member of the wrong type is a 400 naming the member, never a 500 nor a fault queued to do nothing', async () => {
    const fault = 'fault: expected a fault such as "status:503" or { "kind": "drop" }, received';
    for (const [path, body, error] of [
      ['faults', '{}', `${fault} nothing`],
      ['faults', '{"fault":null}', `${fault} null`],
      ['faults', '{"fault":5}', `${fault} a number`],
      ['faults', '{"fault":{"kind":"boom"}}', `${fault} {"kind":"boom"}`],
      [
        'faults',
        '{"fault":"drop","times":"3"}',
        'times: expected a positive number, or null for every request, received a string',
      ],
      ['faults', '{"fault":"drop","taskId":7}', 'taskId: expected a string, received a number'],
      ['faults', '{"fault":"drop","action":[]}', 'action: expected a string, received an array'],
      ['tasks', '{"TaskId":"T-1","advance":null}', "advance: expected 'per-query' or { everyMs: <positive number> }"],
      ['tasks', '{"TaskId":"T-1","data":null}', 'data: expected an object of fields ({ "JobId": …, "DeviceName": … })'],
      ['tasks', '{"TaskId":"T-1","IotInstanceId":5}', 'IotInstanceId: expected a string'],
    ] as const) {
      const answer = await post(path, body);
      expect({ body, status: answer.status, error: (await answer.json()).error }).toEqual({ body, status: 400, error });
    }
    expect(mock.faults.pending).toBe(0);
    expect(mock.tasks.steps().map((t) => t.TaskId)).toEqual([EXAMPLE_TASK_ID]);
  });

  it('what the endpoints take still works: a fault string or object, times null for every request, scoped ones', async () => {
    expect((await post('faults', '{"fault":"status:503","times":null,"taskId":"T-x"}')).status).toBe(201);
    expect((await post('faults', '{"fault":{"kind":"drop"},"action":"QueryTask"}')).status).toBe(201);
    expect((await post('tasks', '{"TaskId":"T-1","scenario":"fails","advance":{"everyMs":10}}')).status).toBe(201);
    expect(mock.faults.pending).toBe(2);
    expect(mock.tasks.steps().map((t) => t.TaskId)).toEqual([EXAMPLE_TASK_ID, 'T-1']);
  });
});

describe('cross-site requests, told by Sec-Fetch-Site when no Origin is sent', () => {
  it('cross-site and same-site are refused (403) on GET and POST alike; nothing is read or changed', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const read = await mock.fetch(`${ORIGIN}/__mock/tasks`, { headers: { 'sec-fetch-site': site } });
      expect(read.status).toBe(403);
      expect((await read.json()).error).toBe(`cross-origin requests to /__mock/ are refused (Sec-Fetch-Site ${site})`);
      const log = await mock.fetch(`${ORIGIN}/__mock/log`, { headers: { 'sec-fetch-site': site } });
      expect(log.status).toBe(403);
      expect((await post('faults', '{"fault":"drop"}', { 'sec-fetch-site': site })).status).toBe(403);
      expect((await post('reset', '{}', { 'sec-fetch-site': site })).status).toBe(403);
    }
    expect(mock.faults.pending).toBe(0);
  });

  it('same-origin, none (typed in the address bar) and no Sec-Fetch-* at all (curl, Node) pass', async () => {
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { 'sec-fetch-site': 'none' }, {}] as Record<
      string,
      string
    >[]) {
      expect((await mock.fetch(`${ORIGIN}/__mock/tasks`, { headers })).status).toBe(200);
      expect((await post('faults', '{"fault":"drop"}', headers)).status).toBe(201);
    }
    expect(mock.faults.pending).toBe(3);
    // A same-origin POST from a page at http://localhost:4010 names that origin.
    const local = await post('faults', '{"fault":"drop"}', {
      host: 'localhost:4010',
      origin: 'http://localhost:4010',
      'sec-fetch-site': 'same-origin',
    });
    expect(local.status).toBe(201);
  });
});

describe('the Host a request names (DNS rebinding)', () => {
  it('a page of a name rebound to 127.0.0.1 cannot read or change the mock: its Host is refused on /__mock/', async () => {
    for (const host of ['evil.example:4010', 'evil.example', '127.0.0.1.evil.example', 'localhost.evil.example:4010']) {
      const read = await mock.fetch(`${ORIGIN}/__mock/tasks`, { headers: { host } });
      expect(read.status).toBe(403);
      expect((await read.json()).error).toBe(
        `requests to /__mock/ for Host ${JSON.stringify(host)} are refused: expected a loopback host (localhost, 127.0.0.0/8, [::1]), the mock's own or an allowed one (allowedHosts; iot-task-mock --allow-host <name>)`,
      );
      expect((await mock.fetch(`${ORIGIN}/__mock/log`, { headers: { host } })).status).toBe(403);
      // Same-origin for the page's browser: only the Host tells it apart.
      const origin = `http://${host}`;
      expect((await post('reset', '{}', { host, origin, 'sec-fetch-site': 'same-origin' })).status).toBe(403);
      expect((await post('faults', '{"fault":"drop"}', { host })).status).toBe(403);
    }
    // A Host that names no host at all is refused too.
    for (const host of ['127.0.0.1@evil.example', '127.0.0.1/x', 'evil.example#127.0.0.1'])
      expect((await mock.fetch(`${ORIGIN}/__mock/tasks`, { headers: { host } })).status).toBe(403);
    expect(mock.faults.pending).toBe(0);
  });

  it('loopback names and addresses with any port pass (a proxy on its own port), and the mock own host', async () => {
    for (const host of [
      '127.0.0.1:4010',
      '127.0.0.1:39999',
      '127.1.2.3',
      'localhost',
      'LOCALHOST:8080',
      '[::1]:4010',
      '[::1]',
    ]) {
      expect({ host, status: (await mock.fetch(`${ORIGIN}/__mock/tasks`, { headers: { host } })).status }).toEqual({
        host,
        status: 200,
      });
    }
    // The host of the request's own URL: the server's address, or the origin setupServer intercepts.
    const own = await mock.fetch('https://iot.cn-shanghai.aliyuncs.com/__mock/tasks', {
      headers: { host: 'iot.cn-shanghai.aliyuncs.com' },
    });
    expect(own.status).toBe(200);
  });

  it('allowedHosts adds names, whatever the port; a bad entry is refused when the mock is made', async () => {
    const allowing = createIotMock({ control: true, allowedHosts: ['mock.internal', 'Dev-Box:4010'] });
    for (const host of ['mock.internal:4010', 'mock.internal', 'dev-box:9999'])
      expect((await allowing.fetch(`${ORIGIN}/__mock/tasks`, { headers: { host } })).status).toBe(200);
    expect((await allowing.fetch(`${ORIGIN}/__mock/tasks`, { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const [allowedHosts, field] of [
      [['ok.example', 'not a host'], 'allowedHosts[1]'],
      [[''], 'allowedHosts[0]'],
      ['mock.internal', 'allowedHosts'],
    ] as const) {
      expect(() => createIotMock({ control: true, allowedHosts: allowedHosts as unknown as string[] })).toThrow(
        expect.objectContaining({ name: 'IotMockOptionError', field }),
      );
    }
    expect(IotMockOptionError).toBeDefined();
  });

  it('the API itself (/) answers any Host: an SDK pointed at iot.cn-shanghai.aliyuncs.com by an endpoint override', async () => {
    const verifying = createIotMock({ control: true, verifySignatures: true, quota: false });
    for (const signatureVersion of ['v3', 'v1'] as const) {
      const client = createIotTaskClient({
        region: 'cn-shanghai',
        credentials: TEST_CREDENTIALS,
        quota: false,
        retry: false,
        signatureVersion,
        // The request reaches the mock with the Host it was signed for.
        fetch: (input, init) => {
          const request = new Request(input, init);
          const headers = new Headers(request.headers);
          headers.set('host', new URL(request.url).host);
          return verifying.fetch(new Request(request, { headers }));
        },
      });
      expect((await client.queryTask({ TaskId: EXAMPLE_TASK_ID })).Data.TaskId).toBe(EXAMPLE_TASK_ID);
    }
    const foreign = await verifying.fetch(
      `${ORIGIN}/?Action=QueryTask&Version=2018-01-20&Format=JSON&TaskId=${EXAMPLE_TASK_ID}`,
      { headers: { host: 'evil.example' } },
    );
    // Refused by the gateway's checks (no signature), not by the control surface's Host rule.
    expect((await foreign.json()).Code).toBeDefined();
    expect(foreign.status).not.toBe(403);
  });
});
