import { handleQueryTask } from '@iot-task/msw';
import { QueryTaskExamples } from '@iot-task/spec';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswTarget, runContract } from '../src/index.ts';

const example = QueryTaskExamples['200']['application/json'].Succeeded;

/**
 * Runs QueryTask's one JSON exchange case (POST, V3) against one deliberately broken QueryTask
 * handler; returns the problems. (The other actions of the spec have no handler here: their
 * cases are not run.)
 */
async function problemsWith(body: object, status = 200): Promise<string[]> {
  const broken = handleQueryTask(
    () => HttpResponse.json(body as never, { status, headers: { 'x-acs-request-id': example.RequestId } }) as never,
  );
  const report = await runContract(mswTarget({ handlers: [broken], name: 'broken' }), {
    filter: (c) =>
      c.action === 'QueryTask' &&
      c.kind === 'exchange' &&
      c.format === 'JSON' &&
      c.signature === 'v3' &&
      c.method === 'POST',
  });
  expect(report.results.map((r) => r.id)).toEqual(['QueryTask/exchange/POST/JSON/v3']);
  return report.results.flatMap((r) => r.problems);
}

describe('the kit catches drift, naming the field', () => {
  it('the unmutated example passes', async () => {
    expect(await problemsWith(example)).toEqual([]);
  });

  it('a renamed field (Status → State)', async () => {
    const { Status, ...rest } = example.Data;
    expect(await problemsWith({ ...example, Data: { ...rest, State: Status } })).toContain(
      'body Data.Status: required, but missing',
    );
  });

  it('a wrong type (Progress: true, Success: "true")', async () => {
    expect(await problemsWith({ ...example, Data: { ...example.Data, Progress: true } })).toContain(
      'body Data.Progress: must be integer, got true',
    );
    expect((await problemsWith({ ...example, Success: 'true' })).join('\n')).toMatch(
      /Success: must be boolean, got "true"|Success: must be true, got "true"/,
    );
  });

  it('a missing RequestId', async () => {
    const { RequestId: _gone, ...rest } = example;
    expect(await problemsWith(rest)).toContain('body RequestId: required, but missing');
  });

  it('a wrong status', async () => {
    expect(await problemsWith(example, 201)).toEqual(['expected HTTP 200, Success true; got HTTP 201, Success true']);
  });

  it('an unknown enum value', async () => {
    expect(await problemsWith({ ...example, Data: { ...example.Data, Status: 'DONE' } })).toContain(
      'body Data.Status: must be one of QUEUED, SENT, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, TIMED_OUT, CANCELLED, got "DONE"',
    );
  });

  it('a time that is not one (UtcModified: "yesterday")', async () => {
    expect(
      (await problemsWith({ ...example, Data: { ...example.Data, UtcModified: 'yesterday' } })).join('\n'),
    ).toMatch(/body Data\.UtcModified: must match pattern/);
  });

  it('a business error where the task was expected', async () => {
    expect(
      await problemsWith({ RequestId: example.RequestId, Success: false, Code: 'iot.system.SystemException' }),
    ).toContain('expected HTTP 200, Success true; got HTTP 200, Success false, Code iot.system.SystemException');
  });
});
