import { handleQueryTask } from '@iot-task/msw';
import { QueryTaskExamples } from '@iot-task/spec';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { mswTarget, runContract } from '../src/index.ts';

const example = QueryTaskExamples['200']['application/json'].Succeeded;

/** Runs the JSON exchange cases against one deliberately broken handler; returns the problems. */
async function problemsWith(body: object, status = 200): Promise<string[]> {
  const broken = handleQueryTask(() => HttpResponse.json(body as never, { status }) as never);
  const report = await runContract(mswTarget({ handlers: [broken], name: 'broken' }), {
    filter: (c) => c.kind === 'exchange' && c.format === 'JSON' && c.signature === 'v3' && c.method === 'POST',
  });
  return report.results.flatMap((r) => r.problems);
}

describe('the kit catches drift, naming the field', () => {
  it('a renamed field (Status → State)', async () => {
    const { Status, ...rest } = example.Data;
    const problems = await problemsWith({ ...example, Data: { ...rest, State: Status } });
    expect(problems).toContain('response body Data.Status: required, but missing');
    expect(problems.join('\n')).toMatch(
      /the client could not read the answer: QueryTask response differs from the spec: Data\.Status: expected present/,
    );
  });

  it('a wrong type (Progress: true, Success: "true")', async () => {
    expect(await problemsWith({ ...example, Data: { ...example.Data, Progress: true } })).toContain(
      'response body Data.Progress: must be integer, got true',
    );
    expect((await problemsWith({ ...example, Success: 'true' })).join('\n')).toMatch(
      /Success: must be boolean, got "true"/,
    );
  });

  it('a missing RequestId', async () => {
    const { RequestId: _gone, ...rest } = example;
    expect(await problemsWith(rest)).toContain('response body RequestId: required, but missing');
  });

  it('a wrong status', async () => {
    expect(await problemsWith(example, 201)).toContain(
      'response status 201: not documented for QueryTask (documented: 200, 400, 403, 404, 500, 503)',
    );
  });

  it('an unknown enum value', async () => {
    expect(await problemsWith({ ...example, Data: { ...example.Data, Status: 'DONE' } })).toContain(
      'response body Data.Status: must be one of QUEUED, SENT, IN_PROGRESS, SUCCEEDED, FAILED, REJECTED, TIMED_OUT, CANCELLED, got "DONE"',
    );
  });
});
