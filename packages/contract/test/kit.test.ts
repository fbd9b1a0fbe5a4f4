import { createMockServer } from '@iot-task/mock-server';
import { actions } from '@iot-task/spec';
import { describe, expect, it } from 'vitest';
import {
  baseUrlTarget,
  casesFor,
  contractCases,
  describeContract,
  gatewayCases,
  liveTarget,
  mswTarget,
  runContract,
  startRun,
  toJUnit,
} from '../src/index.ts';

const failures = (report: Awaited<ReturnType<typeof runContract>>) =>
  report.results.filter((r) => r.outcome !== 'passed').map((r) => [r.id, r.skipReason ?? r.problems]);

describe('the kit on our own mock', () => {
  it('in-process MSW handlers (the default target): every case passes, lifecycle included', async () => {
    const report = await runContract(mswTarget());
    expect(failures(report)).toEqual([]);
    expect(report.results.map((r) => r.kind)).toEqual(expect.arrayContaining(['lifecycle', 'lifecycle-coverage']));
  });

  it('a base URL (the mock server over real HTTP, signatures checked): every case passes, twice in a row with the same verdicts', async () => {
    const server = await createMockServer({ port: 0 });
    try {
      const first = await runContract(baseUrlTarget(server.url));
      expect(failures(first)).toEqual([]);
      const second = await runContract(baseUrlTarget(server.url));
      expect(second.results.map((r) => [r.id, r.outcome])).toEqual(first.results.map((r) => [r.id, r.outcome]));
    } finally {
      await server.close();
    }
  }, 120_000);

  it('red, naming the cause, against a server that knows another secret for the key', async () => {
    const report = await runContract(mswTarget({ mock: { credentials: { 'iot-task-test-key': 'another-secret' } } }));
    const exchange = report.results.find((r) => r.id === 'QueryTask/exchange/POST/JSON/v3');
    expect(exchange).toMatchObject({
      outcome: 'failed',
      problems: ['expected HTTP 200, Success true; got HTTP 400, Code SignatureDoesNotMatch'],
    });
    // Only the cases where the gateway refuses before it looks at the signature still pass.
    expect(report.results.filter((r) => r.outcome === 'passed').map((r) => r.kind)).toEqual(
      expect.not.arrayContaining(['exchange', 'lifecycle', 'unknown-value', 'missing-parameter']),
    );
  });

  it('the live service without credentials: every case skipped, saying why', async () => {
    const report = await runContract(liveTarget({}));
    expect(report.skipped).toBe(report.results.length);
    expect(report.results[0]?.skipReason).toBe(
      'no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET to run against the live service',
    );
  });

  it('live with credentials: the unsafe cases are skipped with their reason unless asked for', async () => {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'k', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's' };
    const run = await startRun(liveTarget(env));
    const unsafe = casesFor(run).filter((c) => c.kind === 'gateway' && c.liveUnsafe);
    expect(unsafe.map((c) => c.kind === 'gateway' && c.check)).toEqual(
      expect.arrayContaining(['wrong-secret', 'unknown-access-key', 'throttling']),
    );
    const report = await runContract(liveTarget(env), { filter: (c) => unsafe.includes(c) });
    expect(
      report.results.every(
        (r) => r.outcome === 'skipped' && /^unsafe against a live account: /.test(r.skipReason ?? ''),
      ),
    ).toBe(true);
  });

  it('every action gets the cases its document gives, the gateway cases and, for a lifecycle, the lifecycle cases', async () => {
    const run = await startRun(mswTarget());
    const cases = casesFor(run);
    for (const [action, descriptor] of Object.entries(actions)) {
      const own = cases.filter((c) => c.action === action);
      expect(own.filter((c) => c.kind === 'exchange')).toHaveLength(descriptor.methods.length * 2 * 2);
      expect(own.filter((c) => c.kind === 'gateway')).toEqual(gatewayCases(action));
      for (const param of descriptor.parameters.filter((p) => p.required && p.in === 'query')) {
        expect(own.map((c) => c.id)).toEqual(
          expect.arrayContaining([`${action}/missing/${param.name}/JSON`, `${action}/missing/${param.name}/XML`]),
        );
      }
    }
    expect(
      cases.filter((c) => c.kind !== 'gateway' && c.kind !== 'lifecycle' && c.kind !== 'lifecycle-coverage'),
    ).toEqual([...contractCases]);
    // Throttling drains the quota: it runs last.
    expect(cases.at(-1)).toMatchObject({ kind: 'gateway', check: 'throttling' });
  });

  it('writes JUnit XML for CI systems, naming what was expected and what came back', async () => {
    const target = mswTarget({ name: 'msw & <friends>', mock: { checks: { signature: false } } });
    const report = await runContract(target, { filter: (c) => c.kind === 'gateway' && c.check === 'wrong-secret' });
    const xml = toJUnit(report);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="iot-task contract" tests="2" failures="2" skipped="0"/,
    );
    expect(xml).toContain('<testsuite name="msw &amp; &lt;friends&gt;"');
    expect(xml).toContain(
      '<failure message="expected HTTP 400, Code SignatureDoesNotMatch; got HTTP 200, Success true">',
    );
  });
});

// The monorepo uses the kit the way other teams do: one Vitest test per case.
await describeContract(mswTarget(), { describe, it });
