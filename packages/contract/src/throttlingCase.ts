import { actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { noAnswerReason } from './contractRun.ts';
import { checkAnswer, type Expectation, gatewayError, readRaw } from './expectations.ts';
import { rawRequest } from './rawRequest.ts';
import { SPENDS_QUOTA, unsafeSkip, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

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
    title:
      'a burst of three times the quota at once, every variant mixed: at most the quota succeeds, the rest is Throttling.User, and the quota refills',
    liveUnsafe: SPENDS_QUOTA,
  };
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
async function judgeThrottlingCase(c: ThrottlingCase, { run, params: wire }: CaseContext): Promise<Outcome> {
  const { target, quota } = run;
  const unsafe = unsafeSkip(run, c.liveUnsafe);
  if (unsafe) return unsafe;
  const params = wire();
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
      requests.map(async (request) => {
        try {
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
    answers.forEach((raw, index) => {
      const variant = TRANSPORT_VARIANTS[index % TRANSPORT_VARIANTS.length] as TransportVariant;
      const at = `answer ${index + 1} (${variantLabel(variant)})`;
      if (typeof raw === 'string') {
        problems.push(`${at}: ${raw}`);
        return;
      }
      const expected: Expectation = raw.status === 200 ? { outcome: 'success' } : THROTTLING_EXPECTED;
      if (raw.status === 200) succeeded++;
      else throttled++;
      problems.push(...checkAnswer(c.action, variant.method, raw, expected, variant.format).map((p) => `${at}: ${p}`));
    });
    // What a bucket of `quota` (refilling at `quota` a second) can let through while the burst lasted.
    const allowed = quota + Math.ceil((quota * took) / 1000);
    await refill();
    if (succeeded > allowed) {
      problems.unshift(
        `${succeeded} of a burst of ${size} succeeded within ${took} ms; a quota of ${quota}/s lets at most ${allowed} through`,
      );
      break;
    }
    if (took < 1000 && throttled === 0) {
      problems.unshift(
        `expected Throttling.User in a burst of ${size} at once (quota ${quota}/s); all ${size} succeeded`,
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
  return { problems };
}

/** A burst over each action's quota; after the replays, since it drains the quota. */
export const throttlingKind: CaseKind<ThrottlingCase> = {
  kinds: ['throttling'],
  cases: () => Object.keys(actions).map(throttlingCase),
  judge: judgeThrottlingCase,
};
