import { createServer } from 'node:net';
import { actions } from '@iot-task/spec';
import { readAnswered } from './answeredBytes.ts';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, parseAnswer } from './checkAnswer.ts';
import { ANSWER_TIMEOUT_MS, type ContractRun, noAnswerReason } from './contractRun.ts';
import { type Expectation, gatewayError } from './expectation.ts';
import { rawRequest } from './rawRequest.ts';
import { type RawResponse, readRaw } from './rawResponse.ts';
import { SPENDS_QUOTA, unsafeSkip, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';
import { wireConnection } from './wireExchange.ts';

/** A burst over the quota, mixing every variant. */
export interface ThrottlingCase {
  id: string;
  action: string;
  kind: 'throttling';
  title: string;
  liveUnsafe: string;
}

const THROTTLING_EXPECTED = gatewayError('Throttling.User');

export function throttlingCase(action: string): ThrottlingCase {
  return {
    id: `${action}/throttling`,
    action,
    kind: 'throttling',
    title: `a burst of three times ${action}'s own quota at once, every variant mixed: at most the quota succeeds, the rest is Throttling.User, and the quota refills`,
    liveUnsafe: SPENDS_QUOTA,
  };
}

/**
 * The addresses a burst comes from: two loopback addresses when the target is on loopback (so a
 * quota counted per source address, not per account, lets twice through and shows); none — one
 * address, the system's — elsewhere, or where the second loopback address cannot be bound.
 */
async function sourceAddresses(run: ContractRun): Promise<readonly string[] | undefined> {
  if (run.target.kind !== 'base-url') return undefined;
  const host = new URL(run.target.baseUrl).hostname;
  if (!/^127\./.test(host) && host !== 'localhost') return undefined;
  const addresses = ['127.0.0.1', '127.0.0.2'];
  const bindable = await Promise.all(
    addresses.map(
      (address) =>
        new Promise<boolean>((resolve) => {
          const probe = createServer();
          probe.once('error', () => resolve(false));
          probe.listen(0, address, () => probe.close(() => resolve(true)));
        }),
    ),
  );
  return bindable.every(Boolean) ? addresses : undefined;
}

/** One request on its own connection from `localAddress`, its answer read off the bytes. */
async function fromAddress(request: Request, localAddress: string): Promise<RawResponse | string> {
  const connection = wireConnection({ timeoutMs: ANSWER_TIMEOUT_MS, quietMs: 0, localAddress });
  try {
    const read = readAnswered(await connection.exchange(request));
    return 'problems' in read ? `from ${localAddress}: ${read.problems.join('; ')}` : read.raw;
  } finally {
    connection.close();
  }
}

/** How long after a burst the quota must be whole again. */
const REFILL_MS = 1250;

/**
 * Fires three times the quota at once, every variant mixed (after the pacer's slot): at least one
 * answer must be `Throttling.User`, every other one the success, and no more may succeed than the
 * quota allows in the time the burst took. Then the quota must refill: a request 1.25 s after the
 * burst ended succeeds. A server that lets one variant through unthrottled, or allows more than
 * the quota, goes red. A burst that took a second or more without an overrun says nothing either
 * way (in that time even a correct quota lets twice its size through, so a doubled one would pass
 * too): it is tried once more, twice as big, and when that is as slow the case is inconclusive —
 * never green, never red on a loaded machine.
 */
async function judgeThrottlingCase(
  c: ThrottlingCase,
  { run, descriptor, params: wire }: CaseContext,
): Promise<Outcome> {
  const { target } = run;
  // The action's own quota (each API has its own), unless the target runs every API at one rate.
  const quota = target.requestsPerSecond ?? descriptor.quota?.requestsPerSecond ?? run.quota;
  const unsafe = unsafeSkip(run, c.liveUnsafe);
  if (unsafe) return unsafe;
  const params = wire();
  const sources = await sourceAddresses(run);
  const warnings =
    sources || run.target.kind === 'msw'
      ? []
      : [
          'the burst came from one source address: a quota counted per address, not per account, passes this case (against a target on loopback the kit bursts from 127.0.0.1 and 127.0.0.2)',
        ];
  // A quota of N a second is whole again a second after the burst, whatever the server's counting
  // (a sliding window, fixed seconds, a bucket of N refilling at N a second); 250 ms of slack for
  // the network. A server that punishes a burst with a longer lockout goes red.
  const refill = () => target.clock.sleep(REFILL_MS);
  let problems: string[] = [];
  for (let size = 3 * quota, round = 1; round <= 2; size *= 2, round++) {
    await run.slot();
    const started = target.clock.now();
    const requests = await Promise.all(
      Array.from({ length: size }, (_, i) =>
        rawRequest(
          target.baseUrl,
          variantRequest(run, c.action, params, TRANSPORT_VARIANTS[i % TRANSPORT_VARIANTS.length] as TransportVariant),
        ),
      ),
    );
    const answers = await Promise.all(
      requests.map(async (request, i) => {
        try {
          if (sources) return await fromAddress(request, sources[i % sources.length] as string);
          return await readRaw(await run.sendNow(request));
        } catch (error) {
          return noAnswerReason(error);
        }
      }),
    );
    const took = Math.max(0, target.clock.now() - started);
    problems = [];
    let throttled = 0;
    let succeeded = 0;
    const bySource = new Map<string, number>();
    answers.forEach((raw, index) => {
      const variant = TRANSPORT_VARIANTS[index % TRANSPORT_VARIANTS.length] as TransportVariant;
      const at = `answer ${index + 1} (${variantLabel(variant)})`;
      if (typeof raw === 'string') {
        problems.push(`${at}: ${raw}`);
        return;
      }
      // Throttled is what the answer says (its Code), whatever its status: a Throttling code with
      // the wrong status is that, not a success.
      const parsed = parseAnswer(c.action, raw, variant.format);
      const code = 'body' in parsed ? (parsed.body as { Code?: unknown } | null)?.Code : undefined;
      const isThrottling = typeof code === 'string' && /^Throttling/.test(code);
      const expected: Expectation = raw.status === 200 && !isThrottling ? { outcome: 'success' } : THROTTLING_EXPECTED;
      if (isThrottling || raw.status !== 200) throttled++;
      else {
        succeeded++;
        if (sources) {
          const from = sources[index % sources.length] as string;
          bySource.set(from, (bySource.get(from) ?? 0) + 1);
        }
      }
      problems.push(...checkAnswer(c.action, variant.method, raw, expected, variant.format).map((p) => `${at}: ${p}`));
    });
    // What a bucket of `quota` (refilling at `quota` a second) can let through while the burst lasted.
    const allowed = quota + Math.ceil((quota * took) / 1000);
    await refill();
    if (succeeded > allowed) {
      problems.unshift(
        `${succeeded} of a burst of ${size} succeeded within ${took} ms; a quota of ${quota}/s lets at most ${allowed} through${
          sources ? ` (by source address: ${[...bySource].map(([from, n]) => `${from} ${n}`).join(', ')})` : ''
        }`,
      );
      break;
    }
    if (took < 1000 && throttled === 0) {
      const unread = size - succeeded;
      problems.unshift(
        `expected Throttling.User in a burst of ${size} at once (quota ${quota}/s); ${
          unread === 0
            ? `all ${size} succeeded`
            : `none came (${succeeded} succeeded, ${unread} could not be read: see below)`
        }`,
      );
    }
    if (took < 1000 || problems.length > 0) break;
    if (round === 2) {
      return {
        inconclusive: `bursts of ${size / 2} and ${size} each took a second or more (the last ${took} ms), too slow to tell whether the quota (${quota}/s) is enforced; run it on a less loaded machine or nearer the target`,
      };
    }
  }
  // The quota refills: a request once it has is a success again.
  const after = await run.send(
    await rawRequest(target.baseUrl, variantRequest(run, c.action, params, TRANSPORT_VARIANTS[0] as TransportVariant)),
  );
  problems.push(
    ...checkAnswer(c.action, 'POST', await readRaw(after), { outcome: 'success' }, 'JSON').map(
      (p) => `after the quota refilled: ${p}`,
    ),
  );
  return { problems, warnings };
}

/** A burst over each action's quota; after the replays, since it drains the quota. */
export const throttlingKind: CaseKind<ThrottlingCase> = {
  kinds: ['throttling'],
  cases: () => Object.keys(actions).map(throttlingCase),
  judge: judgeThrottlingCase,
};
