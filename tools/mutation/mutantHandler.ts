import type { IotMock } from '@iot-task/msw';
import { getResponse, http, type RequestHandler } from 'msw';

/** An answer of the mock, as a mutant sees and rewrites it. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Sent instead of `text` when set: bytes a string cannot hold (not UTF-8, say). */
  bytes?: Uint8Array<ArrayBuffer>;
}

export interface MutationContext {
  request: Request;
  /** The mock's clock when the request came. */
  now: number;
  /** State a mutant keeps across answers (e.g. tasks it has seen end). */
  state: Map<string, unknown>;
}

export type Rewrite = (answer: Answer, context: MutationContext) => Answer | Promise<Answer>;

/**
 * One MSW handler in front of the mock: it lets the mock answer, then rewrites the answers of the
 * API (path `/`) with `rewrite`. The control surface (`/__mock/`) passes untouched.
 */
export function mutantHandler(mock: IotMock, rewrite: Rewrite): RequestHandler {
  const state = new Map<string, unknown>();
  return http.all('*', async ({ request }) => {
    const original = await getResponse(mock.handlers, request.clone());
    if (!original || original.type === 'error' || new URL(request.url).pathname !== '/') return original;
    const declared = original.headers.get('content-length');
    const answer = await rewrite(
      { status: original.status, headers: new Headers(original.headers), text: await original.text() },
      { request, state, now: mock.now() },
    );
    const sent = answer.bytes ?? new TextEncoder().encode(answer.text);
    // A rewritten body keeps a true Content-Length, unless lying about it is the mutant's point.
    if (declared !== null && answer.headers.get('content-length') === declared)
      answer.headers.set('content-length', String(sent.byteLength));
    return new Response(sent, { status: answer.status, headers: answer.headers });
  });
}

export function isXml(answer: Answer): boolean {
  return /xml/i.test(answer.headers.get('content-type') ?? '');
}

export function isJson(answer: Answer): boolean {
  return /json/i.test(answer.headers.get('content-type') ?? '');
}

/** Rewrites the body: the parsed JSON, or the XML text; the other format passes as it is. */
export function body(change: {
  json?: (body: Record<string, unknown>, answer: Answer) => Record<string, unknown>;
  xml?: (text: string, answer: Answer) => string;
}): Rewrite {
  return (answer) => {
    if (isJson(answer) && change.json) {
      return {
        ...answer,
        text: JSON.stringify(change.json(JSON.parse(answer.text) as Record<string, unknown>, answer)),
      };
    }
    if (isXml(answer) && change.xml) return { ...answer, text: change.xml(answer.text, answer) };
    return answer;
  };
}

/** Rewrites `Data` of a success body (JSON), and the same element's text in XML. */
export function data(
  json: (data: Record<string, unknown>) => Record<string, unknown>,
  xml: (text: string) => string = (text) => text,
): Rewrite {
  return body({
    json: (b) => (b.Success === true && b.Data ? { ...b, Data: json({ ...(b.Data as Record<string, unknown>) }) } : b),
    xml: (text) => (/<Success>true<\/Success>/.test(text) ? xml(text) : text),
  });
}

/** Replaces a status value wherever a task carries it. */
export function renameStatus(from: string, to: string): Rewrite {
  return data(
    (d) => (d.Status === from ? { ...d, Status: to } : d),
    (text) => text.replaceAll(`<Status>${from}</Status>`, `<Status>${to}</Status>`),
  );
}

/** Drops an element of `Data` in both formats. */
export function dropField(field: string): Rewrite {
  return data(
    ({ [field]: _gone, ...rest }) => rest,
    (text) => text.replace(new RegExp(`<${field}>[^<]*</${field}>`), ''),
  );
}

/** Sets an element of `Data`: a JSON value, and its XML text (or markup). */
export function setField(field: string, json: unknown, xml: string): Rewrite {
  return data(
    (d) => ({ ...d, [field]: json }),
    (text) => text.replace(new RegExp(`<${field}>[^<]*</${field}>`), `<${field}>${xml}</${field}>`),
  );
}

/** Rewrites gateway errors (HTTP ≥ 400) only. */
export function errors(rewrite: Rewrite): Rewrite {
  return (answer, context) => (answer.status >= 400 ? rewrite(answer, context) : answer);
}

/** Replaces an error code in both formats. */
export function renameCode(from: string, to: string): Rewrite {
  return body({
    json: (b) => (b.Code === from ? { ...b, Code: to } : b),
    xml: (text) => text.replaceAll(`<Code>${from}</Code>`, `<Code>${to}</Code>`),
  });
}

/** Changes the HTTP status of answers that carry one code (or of every error, for `*`). */
export function statusFor(code: string, status: number): Rewrite {
  return (answer) => {
    const carries = code === '*' ? answer.status >= 400 : answer.text.includes(code);
    return carries ? { ...answer, status } : answer;
  };
}
