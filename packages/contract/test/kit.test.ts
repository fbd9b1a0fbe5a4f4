import { type AddressInfo, createServer } from 'node:net';
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
  replayCases,
  runCase,
  runContract,
  startRun,
  TRANSPORT_VARIANTS,
  toJUnit,
  variantLabel,
} from '../src/index.ts';
import { V1_VARIANTS } from '../src/transportVariants.ts';

const failures = (report: Awaited<ReturnType<typeof runContract>>) =>
  report.results.filter((r) => r.outcome !== 'passed').map((r) => [r.id, r.skipReason ?? r.problems]);

describe('the kit on our own mock', () => {
  it('in-process MSW handlers (the default target): every case passes, lifecycle included', async () => {
    const report = await runContract(mswTarget());
    expect(failures(report)).toEqual([]);
    expect(report.results.map((r) => r.kind)).toEqual(
      expect.arrayContaining(['lifecycle', 'lifecycle-coverage', 'edge', 'instance']),
    );
    // The valid side of each stated edge: the longest and shortest TaskId and IotInstanceId, Format left out.
    expect(report.results.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        'QueryTask/edge/TaskId/maxLength/v3/POST/JSON',
        'QueryTask/edge/IotInstanceId/minLength/v1/GET/XML',
        'QueryTask/edge/Format/default/v1/GET',
        'QueryTask/instance/without-instance/v3/POST/JSON',
        'QueryTask/instance/with-unknown-instance/v3/POST/JSON',
      ]),
    );
  });

  it('a base URL (the mock server over real HTTP, signatures checked): every case passes, twice in a row with the same verdicts', async () => {
    // A mock with a larger quota keeps the paced run short; pacing and throttling follow the quota given.
    const server = await createMockServer({ port: 0, quota: { requestsPerSecond: 50 } });
    try {
      const target = baseUrlTarget(server.url, { requestsPerSecond: 50 });
      const first = await runContract(target);
      expect(failures(first)).toEqual([]);
      expect(first.results.map((r) => r.kind)).toEqual(expect.arrayContaining(['throttling', 'replay', 'lifecycle']));
      const second = await runContract(target);
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
    // The live service is out of reach here; its cases are listed as if it answered. The unsafe
    // ones are skipped before any request, so they need no network.
    const run = { ...(await startRun(liveTarget(env))), unreachable: undefined };
    const unsafe = casesFor(run).filter((c) => 'liveUnsafe' in c && c.liveUnsafe);
    expect(unsafe.map((c) => (c.kind === 'gateway' ? c.check : c.kind))).toEqual(
      expect.arrayContaining(['wrong-secret', 'unknown-access-key', 'throttling']),
    );
    for (const c of unsafe) {
      const result = await runCase(run, c);
      expect(result.outcome).toBe('skipped');
      expect(result.skipReason).toMatch(/^unsafe against a live account: /);
    }
  });

  it('a target that does not answer: one failing case naming the cause and the fix, not one per case', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const report = await runContract(baseUrlTarget(`http://127.0.0.1:${port}`));
    const failed = report.results.filter((r) => r.outcome === 'failed');
    expect(failed).toEqual([expect.objectContaining({ id: 'target/reachable' })]);
    expect(failed[0]?.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the target did not answer: .*ECONNREFUSED.*: is a server listening at http://127\\.0\\.0\\.1:${port}\\? Start one \\(npx iot-task-mock\\) or correct --base-url$`,
        ),
      ),
    ]);
    expect(report.results.map((r) => r.id)).toEqual(['target/reachable']);
  });

  it('the throttling case: red on a doubled quota, inconclusive (never green, never red) when every burst takes a second or more', async () => {
    const throttling = async (target: ReturnType<typeof mswTarget>) => {
      const run = await startRun(target);
      return runCase(run, casesFor(run).find((c) => c.kind === 'throttling') as ReturnType<typeof casesFor>[number]);
    };
    const doubled = await throttling(mswTarget({ mock: { quota: { requestsPerSecond: 10 } }, requestsPerSecond: 5 }));
    expect(doubled).toMatchObject({ outcome: 'failed' });
    expect(doubled.problems[0]).toMatch(
      /^10 of a burst of 15 succeeded within 0 ms; a quota of 5\/s lets at most 5 through/,
    );
    // The mock still answers at once on its own clock; the kit's clock says every burst took 1.5 s
    // (a loaded machine): a correct quota and a doubled one would look alike, so it cannot tell.
    const slowlySeen = (target: ReturnType<typeof mswTarget>) => {
      let late = 0;
      return {
        ...target,
        clock: {
          now: () => {
            late += 750;
            return target.clock.now() + late;
          },
          sleep: (ms: number) => target.clock.sleep(ms),
        },
      };
    };
    for (const rate of [5, 10]) {
      const slow = await throttling(
        slowlySeen(mswTarget({ mock: { quota: { requestsPerSecond: rate } }, requestsPerSecond: 5 })),
      );
      expect(slow).toMatchObject({ outcome: 'inconclusive', problems: [] });
      expect(slow.skipReason).toMatch(/^bursts of 15 and 30 each took a second or more/);
    }
  });

  it('every action gets the cases its document gives, in every transport variant, the gateway cases and, for a lifecycle, the lifecycle cases', async () => {
    const run = await startRun(mswTarget());
    const cases = casesFor(run);
    for (const [action, descriptor] of Object.entries(actions)) {
      const own = cases.filter((c) => c.action === action);
      expect(own.filter((c) => c.kind === 'exchange')).toHaveLength(descriptor.methods.length * 2 * 2);
      expect(own.filter((c) => c.kind === 'gateway')).toEqual(gatewayCases(action));
      expect(own.filter((c) => c.kind === 'replay')).toEqual(replayCases(action));
      for (const param of descriptor.parameters.filter((p) => p.required && p.in === 'query')) {
        expect(own.map((c) => c.id)).toEqual(
          expect.arrayContaining(TRANSPORT_VARIANTS.map((v) => `${action}/missing/${param.name}/${variantLabel(v)}`)),
        );
      }
    }
    // Every generated parameter case runs in every variant it can travel in (common parameters: V1 only).
    const generated = contractCases.filter((c) => c.kind !== 'example' && c.kind !== 'exchange');
    const parameterIds = cases.map((c) => c.id);
    for (const c of generated) {
      const variants = c.kind === 'invalid-parameter' && c.common ? V1_VARIANTS : TRANSPORT_VARIANTS;
      expect(parameterIds).toEqual(expect.arrayContaining(variants.map((v) => `${c.id}/${variantLabel(v)}`)));
    }
    // Replays come after every exchange they replay; throttling drains the quota, so it runs after
    // them; the RequestId check reads every answer of the run, so it comes last.
    const lastExchange = cases.findLastIndex((c) => c.kind === 'exchange');
    expect(cases.findIndex((c) => c.kind === 'replay')).toBeGreaterThan(lastExchange);
    expect(cases.findIndex((c) => c.kind === 'throttling')).toBeGreaterThan(
      cases.findLastIndex((c) => c.kind === 'replay'),
    );
    expect(cases.at(-1)).toMatchObject({ kind: 'request-ids' });
  });

  it('writes JUnit XML for CI systems, naming what was expected and what came back', async () => {
    const target = mswTarget({ name: 'msw & <friends>', mock: { checks: { signature: false } } });
    const report = await runContract(target, { filter: (c) => c.kind === 'gateway' && c.check === 'wrong-secret' });
    const xml = toJUnit(report);
    const tests = report.results.length;
    expect(tests).toBe(Object.keys(actions).length * TRANSPORT_VARIANTS.length);
    expect(xml).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<testsuites name="iot-task contract" tests="${tests}" failures="${tests}" skipped="0"`,
      ),
    );
    expect(xml).toContain('<testsuite name="msw &amp; &lt;friends&gt;"');
    expect(xml).toContain(
      '<failure message="expected HTTP 400, Code SignatureDoesNotMatch; got HTTP 200, Success true">',
    );
  });
});

// The monorepo uses the kit the way other teams do: one Vitest test per case.
await describeContract(mswTarget(), { describe, it });
