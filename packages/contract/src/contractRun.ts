import type { QuotaSlot } from '@iot-task/client';
import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { MockControl } from './mockControl.ts';
import type { ContractTarget } from './targets.ts';

/** How long the kit waits for any one answer before it reports that none came. */
export const ANSWER_TIMEOUT_MS = 10_000;
/** How much longer than a second an answered request still counts against the pace (the server's clock and counting may lag). */
const WINDOW_MARGIN_MS = 100;
/** After this many requests in a row without an answer, the target is taken for gone: the rest fail at once. */
export const SILENT_LIMIT = 3;

/** The target did not answer a request: unreachable, dropped, or too slow. The message says which. */
export class NoAnswerError extends Error {
  override name = 'NoAnswerError';
}

/** What the cases of one run share. */
export interface ContractRun {
  readonly target: ContractTarget;
  /** Requests per second the target allows: what the run paces to (90% of it) and bursts over. */
  readonly quota: number;
  /**
   * Every request of the run goes through here: paced under the quota on the target's clock, and
   * bounded (ANSWER_TIMEOUT_MS). Rejects with a NoAnswerError naming the cause.
   */
  send(request: Request): Promise<Response>;
  /**
   * Sends a request some other way (`go`: raw bytes on a socket, say) under the same pacing and
   * shared quota as `send`; unreachable targets reject at once.
   */
  paced<T>(request: Request, go: () => Promise<T>): Promise<T>;
  /** Sends at once, without waiting for the pacer (a burst), bounded like `send`. */
  sendNow(request: Request): Promise<Response>;
  /** Waits for the pacer's next slot without sending (before a burst). */
  slot(): Promise<void>;
  /** How many answers carried each RequestId (the `x-acs-request-id` header): each must be its own. */
  readonly requestIds: Map<string, number>;
  /** Makes this run's task IDs its own, so runs against one long-running mock never meet. */
  readonly runId: string;
  /** Set when the target did not answer at all at the start: why (every network case fails with it). */
  readonly unreachable: string | undefined;
  readonly control: MockControl | undefined;
  /** Why there is no control, when the target was asked and did not say. */
  readonly controlProblem: string | undefined;
  /** Requests that succeeded, by transport variant: replayed later in the run. */
  readonly sent: Map<string, Request>;
  /** What the lifecycle cases saw, by action: statuses per variant, terminal ones reached. */
  readonly observations: Map<string, { seen: Map<string, Set<string>>; reached: Set<string>; followed: number }>;
}

/** Why a fetch got no answer, in a few words (`connect ECONNREFUSED 127.0.0.1:1`, `no answer within 10 s`). */
export function noAnswerReason(error: unknown): string {
  if (error instanceof NoAnswerError) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`;
  }
  const cause = (error as { cause?: { message?: string; code?: string } })?.cause;
  const base = error instanceof Error ? error.message : String(error);
  return cause?.message ? `${base} (${cause.message})` : base;
}

/** Whether fetch failed on an answer it could not parse (its HTTP parser's `HPE_*` codes): the target did answer. */
function isMalformedAnswer(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('HPE_')) return true;
    if (current.message.includes('does not match the HTTP/1.1 protocol')) return true;
    current = current.cause;
  }
  return false;
}

/** Statuses whose answers have no body (the Response constructor refuses one for them). */
const BODYLESS = new Set([101, 204, 205, 304]);

/**
 * The response with its body read under the same bound as its headers: headers that came while
 * the body never completes (or breaks off) is no answer either — the case fails with a NoAnswerError
 * saying so, and it counts towards the target having stopped answering. A complete body resets that count.
 */
function withBodyBounded(
  response: Response,
  noAnswer: (reason: string) => NoAnswerError,
  answered: () => void,
): Response {
  if (!response.body || BODYLESS.has(response.status)) {
    answered();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          answered();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        controller.error(
          noAnswer(
            timedOut
              ? `HTTP ${response.status} came, but its body did not complete within ${ANSWER_TIMEOUT_MS / 1000} s`
              : `the connection broke while the body of an HTTP ${response.status} was read (${noAnswerReason(error)})`,
          ),
        );
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The spec's quota of the target's slowest action (the run's pace), unless the target says otherwise. */
function targetQuota(target: ContractTarget): number {
  const spec = Math.min(...(Object.values(actions) as ActionDescriptor[]).map((d) => d.quota?.requestsPerSecond ?? 5));
  return target.requestsPerSecond ?? spec;
}

/**
 * Starts a run: one pacer, one run ID; finds out whether the target answers at all (so an
 * unreachable one fails fast, with the cause), and whether it has a mock control surface.
 */
export async function startRun(target: ContractTarget): Promise<ContractRun> {
  const quota = targetQuota(target);
  const spacing = 1000 / (0.9 * quota);
  let next = 0;
  const slot = async () => {
    const now = target.clock.now();
    const at = Math.max(now, next);
    next = at + spacing;
    if (at > now) await target.clock.sleep(at - now);
  };
  // Spacing sends is not enough on a loaded machine: sends that were held up go out bunched, and
  // the server counts arrivals. So a paced request also waits until fewer than quota − 1 requests
  // are out or were answered within the last second (and a margin): a request reaches the server
  // before its answer comes back, so the server never sees more than the quota in a second.
  const capacity = Math.max(1, Math.ceil(quota) - 1);
  const answeredAt: number[] = [];
  let out = 0;
  const admitted = async () => {
    for (;;) {
      const now = target.clock.now();
      while (answeredAt.length > 0 && (answeredAt[0] as number) <= now - 1000 - WINDOW_MARGIN_MS) answeredAt.shift();
      if (answeredAt.length + out < capacity) return;
      const first = answeredAt[0];
      await target.clock.sleep(first === undefined ? 10 : Math.max(1, first + 1000 + WINDOW_MARGIN_MS - now));
    }
  };
  const requestIds = new Map<string, number>();
  let silent = 0;
  let gone: string | undefined;
  const noAnswer = (reason: string) => {
    silent += 1;
    if (silent >= SILENT_LIMIT) gone = `the target stopped answering (${SILENT_LIMIT} requests in a row: ${reason})`;
    return new NoAnswerError(reason);
  };
  // Redirects are answers too: the API never sends one, so the kit judges it rather than following it.
  const bounded = async (request: Request): Promise<Response> => {
    if (gone) throw new NoAnswerError(gone);
    try {
      const response = await target.fetch(
        new Request(request, { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS), redirect: 'manual' }),
      );
      const id = response.headers.get('x-acs-request-id');
      if (id) requestIds.set(id, (requestIds.get(id) ?? 0) + 1);
      return withBodyBounded(response, noAnswer, () => {
        silent = 0;
      });
    } catch (error) {
      throw noAnswer(noAnswerReason(error));
    }
  };
  let unreachable: string | undefined;
  let control: MockControl | undefined;
  let controlProblem: string | undefined;
  if (!target.skipReason) {
    try {
      // Any HTTP answer (an error, surely) to an unsigned request shows the target is there.
      const action = Object.keys(actions)[0] ?? '';
      const probe = await bounded(new Request(`${target.baseUrl}/?Action=${encodeURIComponent(action)}&Format=JSON`));
      await probe.body?.cancel();
    } catch (error) {
      // An answer that is not well-formed HTTP is an answer: the transport case names what is wrong with it.
      if (!isMalformedAnswer(error)) unreachable = `the target did not answer: ${noAnswerReason(error)}`;
    }
    if (!unreachable) {
      try {
        control = await target.control();
      } catch (error) {
        controlProblem = `the mock control surface did not answer: ${noAnswerReason(error)}`;
      }
    }
  }
  /** A place in the account's shared quota, when the target has one: what every client of it takes. */
  const place = async (request: Request): Promise<QuotaSlot | undefined> => {
    const store = target.quota;
    const action = new URL(request.url).searchParams.get('Action') ?? request.headers.get('x-acs-action') ?? '';
    const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
    if (!store || !descriptor) return undefined;
    return store.acquire(
      {
        account: store.options.account ?? target.credentials.accessKeyId,
        api: `${descriptor.family.id}/${descriptor.action}`,
        requestsPerSecond: Math.min(quota, descriptor.quota?.requestsPerSecond ?? quota),
        burst: 1,
        earliestArrivalMs: 0,
        leaseMs: ANSWER_TIMEOUT_MS,
      },
      AbortSignal.timeout(store.options.maxWaitMs ?? 300_000),
    );
  };
  const paced = async <T>(request: Request, go: () => Promise<T>): Promise<T> => {
    if (unreachable) throw new NoAnswerError(unreachable);
    await slot();
    await admitted();
    const held = await place(request);
    out++;
    try {
      return await go();
    } finally {
      out--;
      answeredAt.push(target.clock.now());
      // Its place counts until a second after the answer: the safe reading.
      held?.done(0);
    }
  };
  return {
    target,
    quota,
    async send(request) {
      return paced(request, () => bounded(request));
    },
    paced,
    async sendNow(request) {
      if (unreachable) throw new NoAnswerError(unreachable);
      return bounded(request);
    },
    slot,
    requestIds,
    runId: crypto.randomUUID().slice(0, 8),
    unreachable,
    control,
    controlProblem,
    sent: new Map(),
    observations: new Map(),
  };
}
