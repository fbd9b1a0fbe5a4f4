import { type ActionDescriptor, actions } from '@iot-task/spec';
import { type Answered, readAnswered } from './answeredBytes.ts';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, parseAnswer } from './checkAnswer.ts';
import { ACCEPTED_ENCODINGS, declaredLengthProblems } from './contentTruth.ts';
import { ANSWER_TIMEOUT_MS, type ContractRun } from './contractRun.ts';
import type { Expectation } from './expectation.ts';
import { lifecycleShape } from './lifecycle.ts';
import { missingExpected, unknownValueCodes, unknownValueExpected } from './parameterCases.ts';
import { rawRequest } from './rawRequest.ts';
import { without } from './requestParams.ts';
import { variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';
import { wireConnection } from './wireExchange.ts';

/**
 * The answers' bytes, judged as bytes: one connection kept alive over three requests (two
 * formats, two signatures, compression offered and not), each answer's framing (Content-Length
 * against the bytes, chunks, nothing after the answer), Content-Encoding against the body and the
 * charset label against the bytes — each its own failure, before any case reads a body through a
 * client library that would forgive or hide them. A mock's task carries non-ASCII text, so a
 * count of characters or a wrong charset shows.
 */
export interface TransportCase {
  id: string;
  action: string;
  kind: 'transport';
  title: string;
}

/**
 * The requests of the connection, in order: how each travels and what it asks for — the
 * success, and errors of both layers (a gateway error's bytes are as much an answer as a
 * success's: one written twice must show too).
 */
const LEGS: readonly { variant: TransportVariant; acceptEncoding: boolean; asks: 'success' | 'missing' | 'unknown' }[] =
  [
    { variant: TRANSPORT_VARIANTS[0] as TransportVariant, acceptEncoding: true, asks: 'success' },
    { variant: TRANSPORT_VARIANTS[1] as TransportVariant, acceptEncoding: true, asks: 'success' },
    { variant: TRANSPORT_VARIANTS[2] as TransportVariant, acceptEncoding: false, asks: 'success' },
    { variant: TRANSPORT_VARIANTS[7] as TransportVariant, acceptEncoding: true, asks: 'missing' },
    { variant: TRANSPORT_VARIANTS[4] as TransportVariant, acceptEncoding: true, asks: 'unknown' },
  ];

/** What a leg sends and must draw; undefined when the action has nothing to leave out or to name. */
function legRequest(
  descriptor: ActionDescriptor,
  params: Record<string, string>,
  asks: (typeof LEGS)[number]['asks'],
  runId: string,
): { params: Record<string, string>; expected: Expectation } | undefined {
  if (asks === 'success') return { params, expected: { outcome: 'success' } };
  const own = descriptor.parameters.filter((p) => p.in === 'query' && !p.common);
  if (asks === 'missing') {
    const required = own.find((p) => p.required);
    if (!required) return undefined;
    return { params: without(params, required.name), expected: missingExpected(required.name) };
  }
  for (const param of own) {
    const codes = unknownValueCodes(descriptor.action, param.name);
    const value = `contract-transport-unknown-${runId}`;
    const fits =
      (param.schema.pattern === undefined || new RegExp(param.schema.pattern, 'u').test(value)) &&
      (param.schema.maxLength === undefined || value.length <= param.schema.maxLength);
    if (codes && fits && param.name in params)
      return { params: { ...params, [param.name]: value }, expected: unknownValueExpected(codes) };
  }
  return undefined;
}

/** Text the seeded task carries: multi-byte UTF-8 (two and three bytes a character). */
export const NON_ASCII_JOB_NAME = 'Прошивка·固件升级';
/** How long a kept-alive connection must stay quiet after an answer. */
const QUIET_MS = 250;

export function transportCase(action: string): TransportCase {
  return {
    id: `${action}/transport`,
    action,
    kind: 'transport',
    title: `the bytes of ${LEGS.length} answers on one kept-alive connection (${LEGS.map((l) => `${variantLabel(l.variant)} ${l.asks}`).join(', ')}): framing, Content-Encoding and charset true to the bytes`,
  };
}

/** In-process, an answer is a Response: no framing to judge, but its labels still must be true. */
async function inProcess(run: ContractRun, request: Request): Promise<Answered> {
  const response = await run.send(request);
  const headers: [string, string][] = [];
  response.headers.forEach((value, name) => {
    headers.push([name.toLowerCase(), value]);
  });
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, headers, body, problems: declaredLengthProblems(headers, body) };
}

/** The task to ask for: one seeded with non-ASCII text on a mock, else the target's own. */
async function askedFor(run: ContractRun, action: string, params: Record<string, string>) {
  const shape = lifecycleShape(action);
  const [scenario] = run.control?.scenarios ?? [];
  if (!shape || !run.control || !scenario || !(shape.identity in params)) return { params, seeded: undefined };
  const id = `contract-transport-${run.runId}`;
  await run.control.seedTask(id, scenario, { data: { JobName: NON_ASCII_JOB_NAME } });
  return { params: { ...params, [shape.identity]: id }, seeded: NON_ASCII_JOB_NAME };
}

async function judgeTransportCase(c: TransportCase, { run, descriptor, params }: CaseContext): Promise<Outcome> {
  const asked = await askedFor(run, c.action, params());
  const overSocket = run.target.kind !== 'msw';
  const connection = wireConnection({ timeoutMs: ANSWER_TIMEOUT_MS, quietMs: QUIET_MS });
  const problems: string[] = [];
  const bodies: Uint8Array[] = [];
  try {
    for (const [index, leg] of LEGS.entries()) {
      const sent = legRequest(descriptor, asked.params, leg.asks, run.runId);
      if (!sent) continue;
      const signed = await rawRequest(run.target.baseUrl, variantRequest(run, c.action, sent.params, leg.variant));
      const headers = new Headers(signed.headers);
      if (leg.acceptEncoding) headers.set('accept-encoding', ACCEPTED_ENCODINGS);
      const request = new Request(signed, { headers });
      const at = `answer ${index + 1} on one connection (${variantLabel(leg.variant)}${leg.acceptEncoding ? `, Accept-Encoding: ${ACCEPTED_ENCODINGS}` : ''})`;
      const answered: Answered = overSocket
        ? await run.paced(request, () => connection.exchange(request))
        : await inProcess(run, request);
      const read = readAnswered(answered);
      if ('problems' in read) {
        problems.push(...read.problems.map((p) => `${at}: ${p}`));
        continue;
      }
      const again = bodies.findIndex((b) => Buffer.from(b).equals(Buffer.from(read.body)));
      bodies.push(read.body);
      if (again >= 0) {
        problems.push(`${at}: the same bytes as answer ${again + 1}: an earlier answer was left on the connection`);
        continue;
      }
      const { raw } = read;
      const answer = checkAnswer(c.action, leg.variant.method, raw, sent.expected, leg.variant.format);
      problems.push(...answer.map((p) => `${at}: ${p}`));
      if (answer.length === 0 && leg.asks === 'success' && asked.seeded !== undefined) {
        const parsed = parseAnswer(c.action, raw, leg.variant.format);
        const name = 'body' in parsed ? (parsed.body as { Data?: { JobName?: unknown } }).Data?.JobName : undefined;
        if (name !== undefined && name !== asked.seeded)
          problems.push(
            `${at}: Data.JobName: the task's is ${JSON.stringify(asked.seeded)}, the answer read as UTF-8 says ${JSON.stringify(name)}`,
          );
      }
    }
  } finally {
    connection.close();
  }
  return { problems };
}

/** First of the cases that talk to the target: a transport lie would otherwise surface as another case's failure. */
export const transportKind: CaseKind<TransportCase> = {
  kinds: ['transport'],
  cases: () => Object.keys(actions).map(transportCase),
  judge: judgeTransportCase,
};
