import { type ActionName, createIotTaskClient, IotTaskError } from '@iot-task/client';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { checkAnswer, parseAnswer } from './checkAnswer.ts';
import { checkRequest } from './checkRequest.ts';
import { ANSWER_TIMEOUT_MS } from './contractRun.ts';
import { type ContractCase, contractCases } from './generated/cases.gen.ts';
import { type RawResponse, readRaw } from './rawResponse.ts';
import { knownValues, requestParams } from './requestParams.ts';
import { variantLabel } from './transportVariants.ts';

/** An ordinary request of our own client, in one transport variant. */
export type ExchangeCase = Extract<ContractCase, { kind: 'exchange' }>;

/**
 * Our client sends an ordinary request: the request must conform, and the answer must be the
 * success. A request that succeeded is kept, to be replayed later in the run.
 */
async function judgeExchangeCase(c: ExchangeCase, { run, descriptor }: CaseContext): Promise<Outcome> {
  const { target } = run;
  const built = requestParams(descriptor, knownValues(target));
  if ('cannot' in built) return { problems: [`cannot build the request: ${built.cannot}`] };
  const exchanges: { request: Request; response?: RawResponse }[] = [];
  const recording: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const entry: (typeof exchanges)[number] = { request: request.clone() };
    exchanges.push(entry);
    const response = await run.send(request);
    entry.response = await readRaw(response.clone());
    return response;
  };
  const client = createIotTaskClient({
    endpoint: target.baseUrl,
    credentials: target.credentials,
    method: c.method,
    format: c.format,
    signatureVersion: c.signature,
    retry: false,
    quota: false,
    responseValidation: 'error',
    // The run's own bound on an answer, not the client's shorter default (the run is paced anyway).
    attemptTimeoutMs: ANSWER_TIMEOUT_MS,
    timeoutMs: ANSWER_TIMEOUT_MS + 1000,
    fetch: recording,
  });
  const problems: string[] = [];
  try {
    await client.call(c.action as ActionName, built.params as never);
  } catch (error) {
    if (!(error instanceof IotTaskError)) problems.push(`the client failed unexpectedly: ${String(error)}`);
    else if (error.kind === 'validation') problems.push(`the client refused to send the request: ${error.message}`);
    else if (error.kind === 'network' || error.kind === 'timeout') problems.push(`no answer: ${error.message}`);
  }
  const [first] = exchanges;
  if (!first) return { problems: [...problems, 'the client sent nothing'] };
  problems.push(...checkRequest(c.action, first.request, target.baseUrl).map((p) => `request ${p}`));
  if (first.response) {
    const answer = checkAnswer(c.action, c.method, first.response, { outcome: 'success' }, c.format);
    if (answer.length === 0) answer.push(...echoProblems(c.action, built.params, first.response, c.format));
    problems.push(...answer);
    if (answer.length === 0) {
      run.sent.set(
        `${c.action}/${variantLabel({ signature: c.signature, method: c.method, format: c.format })}`,
        first.request,
      );
    }
  }
  return { problems };
}

/**
 * An answer about what was asked: a parameter the request named (TaskId, JobId) that the answer's
 * `Data` names too must be the same.
 */
function echoProblems(
  action: string,
  params: Record<string, unknown>,
  raw: RawResponse,
  format: 'JSON' | 'XML',
): string[] {
  const parsed = parseAnswer(action, raw, format);
  if (!('body' in parsed)) return [];
  const data = (parsed.body as { Data?: unknown }).Data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  return Object.entries(params)
    .filter(([name, value]) => typeof value === 'string' && name in data)
    .filter(([name, value]) => (data as Record<string, unknown>)[name] !== value)
    .map(
      ([name, value]) =>
        `Data.${name}: asked for ${value}, answered about ${JSON.stringify((data as Record<string, unknown>)[name])}`,
    );
}

/** Early in a run: the requests that succeed here are replayed late in it. */
export const exchangeKind: CaseKind<ExchangeCase> = {
  kinds: ['exchange'],
  cases: () => contractCases.filter((c): c is ExchangeCase => c.kind === 'exchange'),
  judge: judgeExchangeCase,
};
