// Runs inside a scratch workspace whose spec has gained actions (see proveEveryAction.ts): every
// action of the regenerated spec, whatever they are, through the client against the mock
// server, through one React hook each (a query for a read, a mutation for a write), and the
// contract kit's paging check against a mock that never ends its pages. Nothing here names an action.
import * as OfficialIotModule from '@alicloud/iot20180120';
import * as OpenApiModule from '@alicloud/openapi-client';
import { type ActionName, createIotTaskClient } from '@iot-task/client';
import { mswTarget, requestParams, runContract } from '@iot-task/contract';
import { createMockServer, type MockServer } from '@iot-task/mock-server';
import { actionHandler, EXAMPLE_JOB_ID, EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import * as hooks from '@iot-task/react';
import { IotTaskClientProvider } from '@iot-task/react';
import { type ActionDescriptor, actions, examples } from '@iot-task/spec';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { http } from 'msw';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const table = actions as Readonly<Record<string, ActionDescriptor>>;
const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);
const known = { TaskId: EXAMPLE_TASK_ID, JobId: EXAMPLE_JOB_ID };
function paramsOf(descriptor: ActionDescriptor): Record<string, unknown> {
  const built = requestParams(descriptor, known);
  if ('cannot' in built) throw new Error(built.cannot);
  return built.params;
}

/** The official SDK's classes (CommonJS with `exports.default`, shaped differently under vitest). */
type Loose = Record<string, unknown> & { default?: Record<string, unknown> & { default?: unknown } };
const sdk = OfficialIotModule as unknown as Loose;
const sdkModule = (sdk.default?.default ? sdk.default : sdk) as Record<string, new (map?: object) => object>;
const OfficialIot = (sdk.default?.default ?? sdk.default) as new (
  config: object,
) => Record<string, (r: object) => Promise<{ body: Record<string, unknown> }>>;
const openApi = OpenApiModule as unknown as Loose;
const Config = (openApi.Config ?? openApi.default?.Config) as new (config: object) => object;

/** What every request asked the mock, its own parameters only (no signature or protocol ones). */
const received: Record<string, string>[] = [];
const PROTOCOL = /^(Action|Version|Format|AccessKeyId|Signature.*|Timestamp|RegionId|SecurityToken)$/;
const recorder = http.all('*', async ({ request }) => {
  const url = new URL(request.url);
  const form = new URLSearchParams(request.method === 'POST' ? await request.clone().text() : '');
  const own: Record<string, string> = {};
  for (const [name, value] of [...url.searchParams, ...form]) if (!PROTOCOL.test(name)) own[name] = value;
  received.push(own);
  return undefined;
});

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({
    port: 0,
    quota: { requestsPerSecond: 50 },
    handlers: (mock) => [recorder, ...mock.handlers],
  });
  // Enough tasks in the example job that a paged list has several pages.
  for (let i = 0; i < 25; i++) server.mock.tasks.seed({ TaskId: `proof-${i}` });
});
afterAll(() => server.close());
afterEach(cleanup);

const client = () => createIotTaskClient({ endpoint: server.url, credentials: TEST_CREDENTIALS, quota: false });

/** Renders `ui` inside a fresh TanStack Query client and our client's provider; the query client is returned to clear. */
function renderWithClients(ui: ReactNode): QueryClient {
  const queryClient = new QueryClient();
  render(
    <QueryClientProvider client={queryClient}>
      <IotTaskClientProvider client={client()}>{ui}</IotTaskClientProvider>
    </QueryClientProvider>,
  );
  return queryClient;
}

describe('every action of the spec', () => {
  it('the spec has more than one action, so this proves something', () => {
    expect(Object.keys(table).length).toBeGreaterThan(1);
  });

  for (const [action, descriptor] of Object.entries(table)) {
    it(`${action}: a method of the client, answered by the mock with its whole success body`, async () => {
      const c = client() as unknown as Record<string, (p: unknown) => Promise<Record<string, unknown>>>;
      const method = c[lowerFirst(action)];
      expect(typeof method).toBe('function');
      const body = await method?.call(c, paramsOf(descriptor));
      expect(body).toMatchObject({ Success: true, RequestId: expect.any(String) });
      const viaCall = await client().call(action as ActionName, paramsOf(descriptor) as never);
      expect(Object.keys(viaCall).sort()).toEqual(Object.keys(body ?? {}).sort());
    });

    it(`${action}: the official SDK gets the same answer, and sends the same parameters as our client`, async () => {
      const params = paramsOf(descriptor);
      const Request = sdkModule[`${action}Request`];
      expect(typeof Request).toBe('function');
      // The SDK's models take camelCase names; an object in a list is a model of its own
      // (`<Action>Request<Param>`); JSON-text objects go in as plain objects (it stringifies them).
      const sdkValue = (name: string, value: unknown): unknown => {
        const Item = sdkModule[`${action}Request${name}`];
        if (!Array.isArray(value) || !Item) return value;
        return value.map(
          (item) => new Item(Object.fromEntries(Object.entries(item as object).map(([k, v]) => [lowerFirst(k), v]))),
        );
      };
      const request = new (Request as new (map: object) => object)(
        Object.fromEntries(Object.entries(params).map(([name, value]) => [lowerFirst(name), sdkValue(name, value)])),
      );
      const official = new OfficialIot(
        new Config({ ...TEST_CREDENTIALS, endpoint: server.url.replace('http://', ''), protocol: 'http' }),
      );
      received.length = 0;
      const { body } = await (
        official[lowerFirst(action)] as (r: object) => Promise<{ body: Record<string, unknown> }>
      ).call(official, request);
      expect(body.success ?? body.Success).toBe(true);
      const ours = createIotTaskClient({ endpoint: server.url, credentials: TEST_CREDENTIALS, quota: false });
      await (ours as unknown as Record<string, (p: unknown) => Promise<unknown>>)[lowerFirst(action)]?.call(
        ours,
        params,
      );
      expect(received).toHaveLength(2);
      expect(received[1]).toEqual(received[0]);
    });

    if (descriptor.paging?.kind === 'page-number') {
      const { totalField, items } = descriptor.paging;
      const itemsOf = (page: Record<string, unknown>) =>
        (items.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], page) ??
          []) as unknown[];
      it(`${action}: paged by number — the pages' items add up to ${totalField}`, async () => {
        const c = client() as unknown as Record<string, (p: unknown) => AsyncIterable<Record<string, unknown>>>;
        const pages: Record<string, unknown>[] = [];
        for await (const page of c[`${lowerFirst(action)}Pages`]?.call(c, paramsOf(descriptor)) ?? []) pages.push(page);
        expect(pages.length).toBeGreaterThan(0);
        expect(pages.flatMap(itemsOf).length).toBe(pages.at(-1)?.[totalField]);
      });

      it(`${action}: the contract kit is red against a mock whose ${totalField} changes from page to page`, async () => {
        const example = (examples as unknown as Record<string, Record<string, Record<string, Record<string, object>>>>)[
          action
        ]?.['200']?.['application/json'];
        const body = Object.values(example ?? {})[0] as Record<string, unknown>;
        let answered = 0;
        const drifting = actionHandler(action, () => {
          answered += 1;
          return { body: { ...body, [totalField]: itemsOf(body).length + answered } };
        });
        const report = await runContract(
          mswTarget({ handlers: (mock) => [drifting, ...mock.handlers], verifiesSignatures: true }),
          { filter: (c) => c.kind === 'paging' && c.action === action },
        );
        expect(report.results).toHaveLength(1);
        expect(report.results[0]).toMatchObject({ outcome: 'failed' });
        expect(report.results[0]?.problems.join('\n')).toContain('one list, one total');
      });
    }

    if (descriptor.paging?.kind === 'token') {
      const { tokenField, items } = descriptor.paging;
      it(`${action}: paged — every page in order, and the last has no ${tokenField}`, async () => {
        const c = client() as unknown as Record<string, (p: unknown) => AsyncIterable<Record<string, unknown>>>;
        const pages: Record<string, unknown>[] = [];
        for await (const page of c[`${lowerFirst(action)}Pages`]?.call(c, paramsOf(descriptor)) ?? []) pages.push(page);
        expect(pages.length).toBeGreaterThan(1);
        expect(pages.at(-1)?.[tokenField]).toBeUndefined();
        const itemsOf = (page: Record<string, unknown>) =>
          items.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], page) as unknown[];
        expect(pages.flatMap(itemsOf).length).toBeGreaterThan(25);
      });

      it(`${action}: the contract kit is red against a mock whose ${tokenField} never ends`, async () => {
        const example = (examples as unknown as Record<string, Record<string, Record<string, Record<string, object>>>>)[
          action
        ]?.['200']?.['application/json'];
        const body = { ...(Object.values(example ?? {})[0] as object), [tokenField]: 'again-and-again' };
        const endless = actionHandler(action, () => ({ body }));
        const report = await runContract(
          mswTarget({ handlers: (mock) => [endless, ...mock.handlers], verifiesSignatures: true }),
          {
            filter: (c) => c.kind === 'paging' && c.action === action,
          },
        );
        expect(report.results).toHaveLength(1);
        expect(report.results[0]).toMatchObject({ outcome: 'failed' });
        expect(report.results[0]?.problems.join('\n')).toContain('again: following it would never end');
      });
    }

    if (descriptor.operationType === 'read') {
      it(`${action}: use${action} renders its answer`, async () => {
        const useAction = (hooks as unknown as Record<string, (p: unknown) => { data?: { Success?: boolean } }>)[
          `use${action}`
        ];
        expect(typeof useAction).toBe('function');
        function Probe() {
          const { data } = useAction?.(paramsOf(descriptor)) ?? {};
          return <p>{data?.Success === true ? `${action} ok` : 'loading'}</p>;
        }
        const queryClient = renderWithClients(<Probe />);
        await waitFor(() => expect(screen.getByText(`${action} ok`)).toBeDefined(), { timeout: 10_000 });
        queryClient.clear();
      });
    } else {
      it(`${action}: use${action} is a mutation — nothing sent until mutate(), then once`, async () => {
        const useAction = (
          hooks as unknown as Record<
            string,
            () => { mutate(params: unknown): void; data?: { Success?: boolean }; error?: { message: string } | null }
          >
        )[`use${action}`];
        expect(typeof useAction).toBe('function');
        received.length = 0;
        let mutate: ((params: unknown) => void) | undefined;
        function Probe() {
          const mutation = useAction?.();
          mutate = mutation?.mutate;
          return <p>{mutation?.data?.Success === true ? `${action} done` : (mutation?.error?.message ?? 'idle')}</p>;
        }
        const queryClient = renderWithClients(<Probe />);
        expect(screen.getByText('idle')).toBeDefined();
        expect(received).toEqual([]);
        act(() => mutate?.(paramsOf(descriptor)));
        await waitFor(() => expect(screen.getByText(`${action} done`)).toBeDefined(), { timeout: 10_000 });
        expect(received).toHaveLength(1);
        queryClient.clear();
      });
    }
  }
});
