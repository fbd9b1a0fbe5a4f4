import { HttpResponse } from 'msw';
import { businessError, gatewayError, newRequestId, type WireFormat } from './respond.ts';

/** Something going wrong, on purpose. */
export type Fault =
  /** A gateway error (HTTP status and message from the spec's catalogue unless given). */
  | { kind: 'gateway'; code: string; status?: number; message?: string }
  /** An IoT business error: HTTP 200, `Success: false`. */
  | { kind: 'business'; code: string; message?: string }
  /** An HTML error page, as a proxy or load balancer sends it. @default status 502 */
  | { kind: 'html'; status?: number }
  /** HTTP 200 whose JSON body stops half-way. */
  | { kind: 'truncated' }
  /** The connection drops before any answer. */
  | { kind: 'drop' }
  /** The answer is late by `ms`; the request is then served normally. */
  | { kind: 'latency'; ms: number };

export class FaultSyntaxError extends Error {
  override name = 'FaultSyntaxError';
}

const STATUS_CODES: Readonly<Record<number, string>> = { 500: 'InternalError', 503: 'ServiceUnavailable' };

/**
 * Reads the shorthand used by the `x-iot-mock-fault` header, the control API and the CLI:
 * `gateway:Throttling.User`, `business:iot.system.SystemException`, `status:503`, `html`,
 * `html:504`, `truncated`, `drop`, `latency:800`.
 */
export function parseFault(text: string): Fault {
  const [kind, arg] = text.trim().split(/:(.*)/s) as [string, string | undefined];
  switch (kind) {
    case 'gateway':
    case 'business':
      if (!arg)
        throw new FaultSyntaxError(
          `${kind}: expected a code, e.g. ${kind}:${kind === 'gateway' ? 'Throttling.User' : 'iot.system.SystemException'}`,
        );
      return { kind, code: arg };
    case 'status': {
      const status = Number(arg);
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new FaultSyntaxError('status: expected an HTTP error status, e.g. status:503');
      return { kind: 'gateway', code: STATUS_CODES[status] ?? `HTTP${status}`, status };
    }
    case 'html': {
      const status = arg === undefined ? 502 : Number(arg);
      if (!Number.isInteger(status) || status < 400 || status > 599)
        throw new FaultSyntaxError('html: expected an HTTP error status, e.g. html:502');
      return { kind: 'html', status };
    }
    case 'truncated':
    case 'drop':
      return { kind };
    case 'latency': {
      // Whole milliseconds a timer can wait (up to 2³¹−1; setTimeout fires at once past that).
      const ms = arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : Number.NaN;
      if (!(ms <= 2 ** 31 - 1))
        throw new FaultSyntaxError('latency: expected whole milliseconds from 0 to 2147483647, e.g. latency:800');
      return { kind: 'latency', ms };
    }
    default:
      throw new FaultSyntaxError(
        `expected one of gateway:<code>, business:<code>, status:<4xx|5xx>, html[:<status>], truncated, drop, latency:<ms>; received ${JSON.stringify(text)}`,
      );
  }
}

/** When a queued fault applies. */
export interface FaultRule {
  fault: Fault;
  /** How many matching requests it hits; Infinity for all. @default 1 */
  times?: number;
  /** Only requests for this action. */
  action?: string;
  /** Only requests for this TaskId. */
  taskId?: string;
}

/** Faults waiting for the requests they match, first added first used. */
export class FaultQueue {
  private readonly rules: (FaultRule & { times: number })[] = [];

  add(fault: Fault | string, options: Omit<FaultRule, 'fault'> = {}): void {
    const parsed = typeof fault === 'string' ? parseFault(fault) : fault;
    const times = options.times ?? 1;
    if (!(times > 0)) throw new FaultSyntaxError('times: expected a positive number or Infinity');
    this.rules.push({ ...options, fault: parsed, times });
  }

  /** The fault for this request, if any, counting it against its rule. */
  take(action: string | undefined, taskId: string | undefined): Fault | undefined {
    const index = this.rules.findIndex(
      (r) => (r.action === undefined || r.action === action) && (r.taskId === undefined || r.taskId === taskId),
    );
    if (index < 0) return undefined;
    const rule = this.rules[index] as FaultRule & { times: number };
    rule.times -= 1;
    if (rule.times <= 0) this.rules.splice(index, 1);
    return rule.fault;
  }

  get pending(): number {
    return this.rules.length;
  }

  clear(): void {
    this.rules.length = 0;
  }
}

/** Resolves after `ms`, or at once (true) when `cancelled` aborts first. */
function wait(ms: number, cancelled: AbortSignal): Promise<boolean> {
  if (cancelled.aborted) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      cancelled.removeEventListener('abort', done);
      resolve(false);
    }, ms);
    cancelled.addEventListener('abort', done, { once: true });
  });
}

/**
 * Answers with the fault; undefined for `latency`, after waiting (the request then goes on). A
 * latency still waiting when the mock is disposed ends at once, as a dropped connection.
 */
export async function renderFault(
  fault: Fault,
  format: WireFormat,
  xmlRoot: string,
  cancelled: AbortSignal,
): Promise<Response | undefined> {
  switch (fault.kind) {
    case 'latency':
      return (await wait(fault.ms, cancelled)) ? HttpResponse.error() : undefined;
    case 'gateway':
      return gatewayError(fault.code, {
        format,
        ...(fault.status ? { status: fault.status } : {}),
        ...(fault.message ? { message: fault.message } : {}),
      });
    case 'business':
      return businessError(fault.code, { format, xmlRoot, ...(fault.message ? { message: fault.message } : {}) });
    case 'html':
      return new HttpResponse(
        `<!DOCTYPE html><html><head><title>${fault.status} Bad Gateway</title></head><body><h1>${fault.status} Bad Gateway</h1><p>The upstream server did not answer.</p></body></html>`,
        { status: fault.status ?? 502, headers: { 'content-type': 'text/html' } },
      );
    case 'truncated': {
      const whole = JSON.stringify({
        RequestId: newRequestId(),
        Success: true,
        Data: { TaskId: 'x', Status: 'IN_PROGRESS', Progress: 50 },
      });
      return new HttpResponse(whole.slice(0, Math.floor(whole.length / 2)), {
        status: 200,
        headers: { 'content-type': 'application/json;charset=utf-8' },
      });
    }
    case 'drop':
      return HttpResponse.error();
  }
}
