import { createMockServer } from '@iot-task/mock-server';
import { describe, expect, it } from 'vitest';
import {
  baseUrlTarget,
  contractCases,
  describeContract,
  liveTarget,
  mswTarget,
  runContract,
  toJUnit,
} from '../src/index.ts';

describe('the kit on our own mock', () => {
  it('in-process MSW handlers (the default target): every case passes', async () => {
    const report = await runContract(mswTarget());
    expect(report.results.filter((r) => r.outcome !== 'passed').map((r) => [r.id, r.problems])).toEqual([]);
    expect(report.passed).toBe(contractCases.length);
  });

  it('a base URL (the mock server over real HTTP, signatures checked): every case passes', async () => {
    const server = await createMockServer({ port: 0 });
    try {
      const report = await runContract(baseUrlTarget(server.url));
      expect(report.results.filter((r) => r.outcome !== 'passed').map((r) => [r.id, r.problems])).toEqual([]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('the live service without credentials: every case skipped, saying why', async () => {
    const report = await runContract(liveTarget({}));
    expect(report.skipped).toBe(contractCases.length);
    expect(report.results[0]?.skipReason).toBe(
      'no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET to run against the live service',
    );
  });

  it('covers every documented example, method × format × signature, parameter constraint and a bad signature', () => {
    const kinds: Record<string, typeof contractCases> = {};
    for (const c of contractCases) kinds[c.kind] = [...(kinds[c.kind] ?? []), c];
    expect(kinds.example?.length).toBe(12);
    expect(kinds.exchange?.length).toBe(8);
    expect(kinds['missing-parameter']?.map((c) => c.id)).toEqual(['QueryTask/missing/TaskId']);
    expect(kinds['invalid-parameter']?.map((c) => c.id)).toEqual([
      'QueryTask/invalid/TaskId/maxLength',
      'QueryTask/invalid/IotInstanceId/maxLength',
      'QueryTask/invalid/IotInstanceId/pattern',
    ]);
    expect(kinds['bad-signature']).toHaveLength(1);
  });

  it('writes JUnit XML for CI systems', async () => {
    const report = await runContract(mswTarget({ name: 'msw & <friends>' }), { filter: (c) => c.kind === 'example' });
    const xml = toJUnit(report);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="iot-task contract" tests="12" failures="0" skipped="0"/,
    );
    expect(xml).toContain('<testsuite name="msw &amp; &lt;friends&gt;"');
    expect(xml.match(/<testcase /g)).toHaveLength(12);
  });
});

// The monorepo uses the kit the way other teams do: one Vitest test per case.
describeContract(mswTarget(), { describe, it });
