import type { QuotaRequest, QuotaStore } from '@iot-task/client';
import { describe, expect, it } from 'vitest';
import { startRun } from '../src/contractRun.ts';
import { mswTarget } from '../src/targets.ts';

describe("a run against a target with the account's shared quota", () => {
  it('takes a place for each paced request and gives it back after the answer', async () => {
    const asked: QuotaRequest[] = [];
    let open = 0;
    const store: QuotaStore = {
      options: { account: 'acme-prod' },
      async acquire(request) {
        asked.push({ ...request });
        open += 1;
        return { done: () => (open -= 1) };
      },
    };
    const target = { ...mswTarget(), quota: store };
    const run = await startRun(target);
    const response = await run.send(new Request(`${target.baseUrl}/?Action=QueryTask&Format=JSON`));
    await response.body?.cancel();
    expect(asked).toEqual([
      expect.objectContaining({
        account: 'acme-prod',
        api: 'Iot20180120/QueryTask',
        requestsPerSecond: 5,
        earliestArrivalMs: 0,
      }),
    ]);
    expect(open).toBe(0);
    // A request of no action the spec knows takes no place (the target answers it without the quota).
    await (await run.send(new Request(`${target.baseUrl}/?Action=Nope`))).body?.cancel();
    expect(asked).toHaveLength(1);
  });

  it("without an account of its own, the place is the AccessKey's", async () => {
    const asked: QuotaRequest[] = [];
    const store: QuotaStore = {
      options: {},
      acquire: async (request) => {
        asked.push(request);
        return { done: () => undefined };
      },
    };
    const target = { ...mswTarget(), quota: store };
    const run = await startRun(target);
    await (await run.send(new Request(`${target.baseUrl}/?Action=QueryTask`))).body?.cancel();
    expect(asked[0]?.account).toBe(target.credentials.accessKeyId);
  });
});
