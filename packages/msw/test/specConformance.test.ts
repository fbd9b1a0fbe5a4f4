import { errorCodes } from '@iot-task/spec';
import { documents } from '@iot-task/spec/documents';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createIotMock, EXAMPLE_TASK_ID, scenarioSteps, scenarios } from '../src/index.ts';

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(documents.QueryTask as object, 'QueryTask');
const okBody = ajv.getSchema('QueryTask#/components/schemas/QueryTaskResponseBody');
const gatewayBody = ajv.getSchema('QueryTask#/components/schemas/GatewayError');

const BASE = 'https://iot.cn-shanghai.aliyuncs.com/';

async function answer(mock: ReturnType<typeof createIotMock>, query: string, headers: Record<string, string> = {}) {
  const response = await getResponse(mock.handlers, new Request(`${BASE}?${query}`, { headers }));
  if (!response) throw new Error(`no answer for ${query}`);
  return response;
}

/** Validates one JSON answer against the schema its status calls for; returns the errors. */
async function conforms(response: Response): Promise<string[]> {
  const documented = [200, 400, 403, 404, 500, 503];
  if (!documented.includes(response.status)) return [`undocumented status ${response.status}`];
  if (!response.headers.get('content-type')?.startsWith('application/json')) return ['not JSON'];
  const validate = response.status === 200 ? okBody : gatewayBody;
  if (!validate) return ['schema missing'];
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return ['unparseable JSON'];
  }
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const q = (extra: string) => `Action=QueryTask&Version=2018-01-20&Format=JSON&${extra}`;

describe('every response the mock can produce validates against the spec', () => {
  it('every step of every scenario', async () => {
    const mock = createIotMock({ quota: false });
    let checked = 0;
    for (const scenario of scenarios) {
      mock.tasks.seed({ TaskId: `T-${scenario}`, scenario });
      for (let i = 0; i < scenarioSteps[scenario].length + 1; i++) {
        expect(await conforms(await answer(mock, q(`TaskId=T-${scenario}`)))).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(25);
  });

  it('every business and gateway error of the catalogue, injected', async () => {
    const mock = createIotMock({ quota: false });
    for (const { code, layer } of errorCodes) {
      mock.faults.add({ kind: layer === 'business' ? 'business' : 'gateway', code });
      const response = await answer(mock, q(`TaskId=${EXAMPLE_TASK_ID}`));
      expect([code, await conforms(response)]).toEqual([code, []]);
    }
  });

  it("the gateway's own refusals: missing/invalid parameter, unknown action, version, signature, quota", async () => {
    const cases: [ReturnType<typeof createIotMock>, string][] = [
      [createIotMock({ quota: false }), q('')],
      [createIotMock({ quota: false }), q('TaskId=x&IotInstanceId=a%2Fb')],
      [createIotMock({ quota: false }), 'Action=Nope&Version=2018-01-20&Format=JSON&Signature=s'],
      [createIotMock({ quota: false }), 'Action=QueryTask&Version=1999-01-01&Format=JSON&TaskId=x'],
      [
        createIotMock({ quota: false, verifySignatures: true }),
        q(
          'TaskId=x&AccessKeyId=k&Signature=s&SignatureMethod=HMAC-SHA1&SignatureNonce=n&Timestamp=2026-01-01T00:00:00Z',
        ),
      ],
      [createIotMock({ quota: false }), q('TaskId=nope')],
    ];
    for (const [mock, query] of cases) expect(await conforms(await answer(mock, query))).toEqual([]);
    const limited = createIotMock({ quota: { requestsPerSecond: 1 } });
    await answer(limited, q(`TaskId=${EXAMPLE_TASK_ID}`));
    const throttled = await answer(limited, q(`TaskId=${EXAMPLE_TASK_ID}`));
    expect(throttled.status).toBe(400);
    expect(await conforms(throttled)).toEqual([]);
  });

  it('XML answers carry the documented roots: <QueryTaskResponse> and <Error>', async () => {
    const mock = createIotMock({ quota: false });
    const ok = await (await answer(mock, `Action=QueryTask&Version=2018-01-20&TaskId=${EXAMPLE_TASK_ID}`)).text();
    expect(ok).toMatch(
      /<QueryTaskResponse>\n {2}<RequestId>[0-9A-F-]{36}<\/RequestId>\n {2}<Success>true<\/Success>\n {2}<Data>/,
    );
    const error = await (await answer(mock, 'Action=QueryTask&Version=2018-01-20')).text();
    expect(error).toMatch(/<Error>[\s\S]*<Code>MissingTaskId<\/Code>[\s\S]*<\/Error>/);
  });

  it('only the deliberate non-spec faults (HTML page, truncated body, dropped connection) fall outside it', async () => {
    const mock = createIotMock({ quota: false });
    for (const fault of ['html', 'truncated', 'drop']) {
      mock.faults.add(fault);
      const response = await answer(mock, q(`TaskId=${EXAMPLE_TASK_ID}`));
      expect(await conforms(response)).not.toEqual([]);
    }
  });
});
