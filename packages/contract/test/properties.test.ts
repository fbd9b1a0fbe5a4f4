import { BusinessError, createIotTaskClient, IotTaskError, ResponseDriftError } from '@iot-task/client';
import { handleQueryTask, rpcResponse, TEST_CREDENTIALS } from '@iot-task/msw';
import { actions, type CompactSchema } from '@iot-task/spec';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arbitraryFromSchema } from '../src/index.ts';

const okSchema = actions.QueryTask.responses['200'].schema as CompactSchema;
let current: Record<string, unknown> = {};
const server = setupServer(
  handleQueryTask(({ format }) => rpcResponse(current, { format, xmlRoot: actions.QueryTask.xmlRoot })),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

const client = (format: 'JSON' | 'XML') =>
  createIotTaskClient({
    region: 'cn-shanghai',
    credentials: TEST_CREDENTIALS,
    format,
    quota: false,
    retry: false,
    responseValidation: 'error',
  });
const json = client('JSON');
const xml = client('XML');

async function outcome(c: ReturnType<typeof client>): Promise<unknown> {
  try {
    return { data: (await c.queryTask({ TaskId: 'x' })).Data };
  } catch (error) {
    if (error instanceof BusinessError) return { business: [error.code, error.message] };
    throw error;
  }
}

/** Bodies about the task asked for (`x`): an answer about another task is no answer to the call. */
function aboutTaskX(bodies: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> {
  return bodies.map((body) =>
    body.Success === true && body.Data !== null && typeof body.Data === 'object'
      ? { ...body, Data: { ...(body.Data as object), TaskId: 'x' } }
      : body,
  );
}

/** What a client should return: the same body with Progress as a number. */
function expected(body: Record<string, unknown>): unknown {
  // An empty ErrorMessage says nothing: the error's message is then its code.
  if (body.Success !== true) return { business: [body.Code, body.ErrorMessage || body.Code] };
  const data = { ...(body.Data as Record<string, unknown>) };
  if (data.Progress !== undefined) data.Progress = Number(data.Progress);
  return { data };
}

describe('property: the client reads every schema-valid response the same, JSON or XML', () => {
  it('any body the spec allows (success or business error) decodes to the same typed value', async () => {
    await fc.assert(
      fc.asyncProperty(
        aboutTaskX(arbitraryFromSchema(okSchema) as fc.Arbitrary<Record<string, unknown>>),
        async (body) => {
          current = body;
          const fromJson = await outcome(json);
          const fromXml = await outcome(xml);
          expect(fromJson).toEqual(expected(body));
          expect(fromXml).toEqual(fromJson);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});

describe('property: schema-invalid responses are typed drift errors, never crashes', () => {
  const mutations: [string, (body: Record<string, unknown>) => Record<string, unknown>][] = [
    ['without RequestId', ({ RequestId: _r, ...rest }) => rest],
    ['Status not a string', (b) => ({ ...b, Data: { ...(b.Data as object), Status: 42 } })],
    ['Progress of the wrong type', (b) => ({ ...b, Data: { ...(b.Data as object), Progress: [80] } })],
    ['without TaskId', (b) => ({ ...b, Data: { ...(b.Data as object), TaskId: undefined } })],
  ];
  const success = arbitraryFromSchema(okSchema).filter(
    (b) => (b as { Success?: unknown }).Success === true,
  ) as fc.Arbitrary<Record<string, unknown>>;
  for (const [name, mutate] of mutations) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(success, async (body) => {
          current = JSON.parse(JSON.stringify(mutate(body)));
          const error = await json.queryTask({ TaskId: 'x' }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(IotTaskError);
          expect(error).toBeInstanceOf(ResponseDriftError);
          expect((error as ResponseDriftError).issues.length).toBeGreaterThan(0);
        }),
        { numRuns: 40 },
      );
    });
  }
});
