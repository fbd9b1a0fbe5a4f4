// Runs inside a scratch workspace whose spec has gained actions (see proveEveryAction.ts): every
// action of the regenerated spec, whatever they are, through the client against the mock
// server, through one React hook each, and the contract kit's paging check against a mock that
// never ends its pages. Nothing here names an action.
import { type ActionName, createIotTaskClient } from '@iot-task/client';
import { mswTarget, requestParams, runContract } from '@iot-task/contract';
import { createMockServer, type MockServer } from '@iot-task/mock-server';
import { actionHandler, EXAMPLE_JOB_ID, EXAMPLE_TASK_ID, TEST_CREDENTIALS } from '@iot-task/msw';
import * as hooks from '@iot-task/react';
import { IotTaskClientProvider } from '@iot-task/react';
import { type ActionDescriptor, actions, examples } from '@iot-task/spec';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
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

let server: MockServer;
beforeAll(async () => {
  server = await createMockServer({ port: 0, quota: { requestsPerSecond: 50 } });
  // Enough tasks in the example job that a paged list has several pages.
  for (let i = 0; i < 25; i++) server.mock.tasks.seed({ TaskId: `proof-${i}` });
});
afterAll(() => server.close());
afterEach(cleanup);

const client = () => createIotTaskClient({ endpoint: server.url, credentials: TEST_CREDENTIALS, quota: false });

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

    if (descriptor.paging) {
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
        const queryClient = new QueryClient();
        const wrapper = ({ children }: { children: ReactNode }) => (
          <QueryClientProvider client={queryClient}>
            <IotTaskClientProvider client={client()}>{children}</IotTaskClientProvider>
          </QueryClientProvider>
        );
        render(<Probe />, { wrapper });
        await waitFor(() => expect(screen.getByText(`${action} ok`)).toBeDefined(), { timeout: 10_000 });
        queryClient.clear();
      });
    }
  }
});
