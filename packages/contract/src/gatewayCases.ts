import { type ContractRun, noAnswerReason } from './contractRun.ts';
import { checkAnswer, type Expectation, gatewayError, readRaw } from './expectations.ts';
import { rawRequest, utcSeconds } from './rawRequest.ts';
import { schemeRequirements } from './specSchemas.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/** The gateway checks the kit puts every action through, in every transport variant. */
export type GatewayCheckName =
  | 'tampered-signature'
  | 'wrong-secret'
  | 'unknown-access-key'
  | 'expired-timestamp'
  | 'future-timestamp'
  | 'malformed-timestamp'
  | 'unknown-action'
  | 'unknown-version'
  | 'unsigned-headers'
  | 'unhashed-body';

export interface GatewayCase {
  id: string;
  action: string;
  kind: 'gateway';
  title: string;
  check: GatewayCheckName;
  variant: TransportVariant;
  /** Why the case is not run against the live service unless asked for (`--include-unsafe`). */
  liveUnsafe?: string;
}

/** A correctly signed request that lacks one part its signature scheme requires (or the signature). */
export interface OmissionCase {
  id: string;
  action: string;
  kind: 'omitted-part';
  title: string;
  parameter: string;
  variant: TransportVariant;
}

/**
 * A nonce used again: a request that succeeded earlier in the run sent again as it was
 * (`identical`), or a new request, freshly signed in another variant, that reuses its nonce
 * (`same-nonce`: the gateway remembers nonces, not requests).
 */
export interface ReplayCase {
  id: string;
  action: string;
  kind: 'replay';
  title: string;
  mode: 'identical' | 'same-nonce';
  variant: TransportVariant;
}

/** A burst over the quota, mixing every variant. */
export interface ThrottlingCase {
  id: string;
  action: string;
  kind: 'throttling';
  title: string;
  liveUnsafe: string;
}

interface CheckDefinition {
  title: string;
  expected: Expectation;
  liveUnsafe?: string;
  /** Whether the check is about the signature (skipped when the target does not check signatures). */
  signature: boolean;
  /** The variants the check applies to. @default every one */
  applies?: (variant: TransportVariant) => boolean;
}

const FORGES_KEYS = 'it signs with a key pair the account does not have; a live account may flag it';
const SPENDS_QUOTA = 'it spends the quota every RAM user of the account shares (5 requests a second)';

/**
 * What the gateway must answer to each broken request, from the spec's error catalogue
 * (`x-acs-error-codes`: code and HTTP status). Where the documents allow more than one answer,
 * the equivalents are listed with the reason; nothing else passes.
 */
export const gatewayChecks: Readonly<Record<GatewayCheckName, CheckDefinition>> = {
  'tampered-signature': {
    title: 'a signature changed after signing',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
  },
  'wrong-secret': {
    title: 'signed with a wrong AccessKey secret',
    expected: gatewayError('SignatureDoesNotMatch'),
    liveUnsafe: FORGES_KEYS,
    signature: true,
  },
  'unknown-access-key': {
    title: 'an AccessKey ID the gateway does not know',
    expected: gatewayError('InvalidAccessKeyId.NotFound', {
      statuses: [404, 400],
      why: 'documented as HTTP 404 (and captured so) by one source, 400 by another (querytask-api facts §5.2)',
    }),
    liveUnsafe: FORGES_KEYS,
    signature: true,
  },
  'expired-timestamp': {
    title: 'a request time 16 minutes old (the spec allows 15)',
    expected: gatewayError('InvalidTimeStamp.Expired'),
    signature: true,
  },
  'future-timestamp': {
    title: 'a request time 16 minutes ahead (the spec allows 15)',
    expected: gatewayError('InvalidTimeStamp.Expired'),
    signature: true,
  },
  'malformed-timestamp': {
    title: 'a request time with milliseconds, which the spec forbids',
    expected: gatewayError('InvalidTimeStamp.Format'),
    signature: true,
  },
  'unknown-action': {
    title: 'an Action the API version does not have',
    expected: gatewayError('InvalidApi.NotFound'),
    signature: false,
  },
  'unknown-version': {
    title: 'a Version that does not exist',
    expected: gatewayError('InvalidApi.NotFound'),
    signature: false,
  },
  'unsigned-headers': {
    title: 'a V3 signature over host alone, the x-acs-* headers (nonce, date, action) sent unsigned',
    expected: gatewayError('IncompleteSignature', {
      also: ['SignatureDoesNotMatch'],
      why: 'the V3 scheme requires host and every x-acs-* header to be signed; the documents do not say whether the gateway names the gap or fails the signature',
    }),
    signature: true,
    applies: (v) => v.signature === 'v3',
  },
  'unhashed-body': {
    title: 'a V3 POST whose body is not the one x-acs-content-sha256 covers',
    expected: gatewayError('SignatureDoesNotMatch'),
    signature: true,
    applies: (v) => v.signature === 'v3' && v.method === 'POST',
  },
};

/** A replay: SignatureNonceUsed, or — as a captured IoT answer had it — no Code with the catalogue message. */
export const REPLAY_EXPECTED = gatewayError('SignatureNonceUsed', {
  orNoCode: true,
  why: 'a captured IoT answer to a replay carried only RequestId and the catalogue message, no Code',
});

export const THROTTLING_EXPECTED = gatewayError('Throttling.User');

/** The signature parts each scheme requires (the spec's `x-acs-required-parameters`, and the signature). */
export function requiredParts(action: string): { signature: 'v1' | 'v3'; parameter: string }[] {
  return [
    ...schemeRequirements(action, 'AcsRpcSignatureV1').map((p) => ({ signature: 'v1' as const, parameter: p.name })),
    { signature: 'v1' as const, parameter: 'Signature' },
    ...schemeRequirements(action, 'Acs3HmacSha256').map((p) => ({ signature: 'v3' as const, parameter: p.name })),
    { signature: 'v3' as const, parameter: 'Authorization' },
  ];
}

/** The V1 name the gateway's codes use for a part (`x-acs-date` → `Timestamp`). */
const V1_NAME: Readonly<Record<string, string>> = {
  'x-acs-action': 'Action',
  'x-acs-version': 'Version',
  'x-acs-date': 'Timestamp',
  'x-acs-signature-nonce': 'SignatureNonce',
  'x-acs-content-sha256': 'ContentSha256',
};

/**
 * What leaving a part out must draw: `IncompleteSignature` (documented), or by the gateway's
 * Missing<Name> rule the part's own code; an absent Action or Version may also be an API not found,
 * an absent method an invalid one.
 */
export function omissionExpected(parameter: string): Expectation {
  const name = V1_NAME[parameter] ?? parameter;
  const also = [`Missing${name}`];
  if (name === 'Action' || name === 'Version') also.push('InvalidApi.NotFound');
  if (name === 'SignatureMethod') also.push('InvalidSignatureMethod');
  if (name === 'SignatureVersion') also.push('InvalidSignatureVersion');
  if (name === 'Timestamp') also.push('InvalidTimeStamp.Format');
  return gatewayError('IncompleteSignature', {
    also,
    statuses: name === 'Action' || name === 'Version' ? [400, 404] : [400],
    why: 'documented as IncompleteSignature; by its Missing<Name> rule the gateway may name the part instead',
  });
}

/** The gateway cases of an action: each check in every transport variant. */
export function gatewayCases(action: string): GatewayCase[] {
  const cases: GatewayCase[] = [];
  for (const [check, definition] of Object.entries(gatewayChecks) as [GatewayCheckName, CheckDefinition][]) {
    for (const variant of TRANSPORT_VARIANTS.filter(definition.applies ?? (() => true))) {
      cases.push({
        id: `${action}/gateway/${check}/${variantLabel(variant)}`,
        action,
        kind: 'gateway',
        title: `${definition.title} (${variantLabel(variant)})`,
        check,
        variant,
        ...(definition.liveUnsafe ? { liveUnsafe: definition.liveUnsafe } : {}),
      });
    }
  }
  return cases;
}

/** One case per required part of each scheme, in every variant of that scheme. */
export function omissionCases(action: string): OmissionCase[] {
  return requiredParts(action).flatMap(({ signature, parameter }) =>
    TRANSPORT_VARIANTS.filter((v) => v.signature === signature).map((variant) => ({
      id: `${action}/omitted/${parameter}/${variantLabel(variant)}`,
      action,
      kind: 'omitted-part',
      title: `a correctly signed request without ${parameter} (${variantLabel(variant)})`,
      parameter,
      variant,
    })),
  );
}

export function replayCases(action: string): ReplayCase[] {
  return TRANSPORT_VARIANTS.flatMap((variant) => [
    {
      id: `${action}/replay/${variantLabel(variant)}`,
      action,
      kind: 'replay',
      title: `a request that succeeded earlier in the run, sent again as it was: SignatureNonceUsed (${variantLabel(variant)})`,
      mode: 'identical',
      variant,
    },
    {
      id: `${action}/replay/same-nonce/${variantLabel(variant)}`,
      action,
      kind: 'replay',
      title: `a new request, freshly signed, with the nonce of one in another variant that succeeded earlier: SignatureNonceUsed (${variantLabel(variant)})`,
      mode: 'same-nonce',
      variant,
    },
  ]);
}

/** The nonce a request carries (`SignatureNonce` for V1, `x-acs-signature-nonce` for V3). */
function nonceOf(request: Request): string | undefined {
  return (
    new URL(request.url).searchParams.get('SignatureNonce') ?? request.headers.get('x-acs-signature-nonce') ?? undefined
  );
}

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

type Outcome = { problems: string[] } | { skip: string };

interface RunContext {
  run: ContractRun;
  params: Record<string, string>;
}

async function answerProblems(
  run: ContractRun,
  action: string,
  request: Request,
  expected: Expectation,
  format: 'JSON' | 'XML',
) {
  const response = await run.send(request);
  return checkAnswer(action, request.method, await readRaw(response), expected, format);
}

/** The options of a request correctly signed in one transport variant, with the target's key and clock. */
export function variantRequest(
  run: ContractRun,
  action: string,
  params: Record<string, string>,
  variant: TransportVariant,
) {
  return {
    action,
    params,
    signature: variant.signature,
    method: variant.method,
    format: variant.format,
    credentials: run.target.credentials,
    timestamp: utcSeconds(run.target.clock.now()),
  } as const;
}

export async function runGatewayCase(c: GatewayCase, { run, params }: RunContext): Promise<Outcome> {
  const { target } = run;
  const definition = gatewayChecks[c.check];
  if (definition.signature && !target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  if (c.liveUnsafe && target.kind === 'live' && !target.includeUnsafe) {
    return { skip: `unsafe against a live account: ${c.liveUnsafe}; --include-unsafe runs it` };
  }
  const now = target.clock.now();
  const request = variantRequest(run, c.action, params, c.variant);
  const options = (() => {
    switch (c.check) {
      case 'tampered-signature':
        return { ...request, tamper: true };
      case 'wrong-secret':
        return {
          ...request,
          credentials: { ...target.credentials, accessKeySecret: `${target.credentials.accessKeySecret}-wrong` },
        };
      case 'unknown-access-key':
        return { ...request, credentials: { accessKeyId: `contract-unknown-key-${run.runId}`, accessKeySecret: 'x' } };
      case 'expired-timestamp':
        return { ...request, timestamp: utcSeconds(now - 16 * 60_000) };
      case 'future-timestamp':
        return { ...request, timestamp: utcSeconds(now + 16 * 60_000) };
      case 'malformed-timestamp':
        return { ...request, timestamp: utcSeconds(now).replace(/Z$/, '.123Z') };
      case 'unknown-action':
        return { ...request, action: `${c.action}Unknown` };
      case 'unknown-version':
        return { ...request, version: '2099-01-01' };
      case 'unsigned-headers':
        return { ...request, signOnlyHost: true };
      case 'unhashed-body':
        return { ...request, unhashedBody: new URLSearchParams(params).toString() };
    }
  })();
  return {
    problems: await answerProblems(
      run,
      c.action,
      await rawRequest(target.baseUrl, options),
      definition.expected,
      c.variant.format,
    ),
  };
}

export async function runOmissionCase(c: OmissionCase, { run, params }: RunContext): Promise<Outcome> {
  if (!run.target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  const request = await rawRequest(run.target.baseUrl, {
    ...variantRequest(run, c.action, params, c.variant),
    omit: [c.parameter],
  });
  return { problems: await answerProblems(run, c.action, request, omissionExpected(c.parameter), c.variant.format) };
}

export async function runReplayCase(c: ReplayCase, { run, params }: RunContext): Promise<Outcome> {
  if (!run.target.verifiesSignatures) return { skip: 'the target does not check signatures' };
  // Identical: this variant's own request. Same nonce: the nonce of the next variant's request.
  const from =
    c.mode === 'identical'
      ? c.variant
      : (TRANSPORT_VARIANTS[
          (TRANSPORT_VARIANTS.indexOf(c.variant) + 1) % TRANSPORT_VARIANTS.length
        ] as TransportVariant);
  const earlier = run.sent.get(`${c.action}/${variantLabel(from)}`);
  if (!earlier)
    return {
      problems: [`no request of ${variantLabel(from)} succeeded earlier in the run, so there is none to replay`],
    };
  const request =
    c.mode === 'identical'
      ? earlier.clone()
      : await rawRequest(run.target.baseUrl, {
          ...variantRequest(run, c.action, params, c.variant),
          nonce: nonceOf(earlier) ?? '',
        });
  return { problems: await answerProblems(run, c.action, request, REPLAY_EXPECTED, c.variant.format) };
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
 * too): it is tried once more, twice as big, and when that is as slow the case is skipped as
 * inconclusive — never green, never red on a loaded machine.
 */
export async function runThrottlingCase(c: ThrottlingCase, { run, params }: RunContext): Promise<Outcome> {
  const { target, quota } = run;
  if (target.kind === 'live' && !target.includeUnsafe) {
    return { skip: `unsafe against a live account: ${c.liveUnsafe}; --include-unsafe runs it` };
  }
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
        skip: `inconclusive: bursts of ${size / 2} and ${size} each took a second or more (the last ${took} ms), too slow to tell whether the quota (${quota}/s) is enforced; run it on a less loaded machine or nearer the target`,
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
