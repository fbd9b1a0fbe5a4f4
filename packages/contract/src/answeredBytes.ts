import { contentProblems } from './contentTruth.ts';
import { MAX_ANSWER_BYTES, type RawResponse } from './rawResponse.ts';

/** An answer as bytes: off a socket (with what its framing got wrong) or out of a Response. */
export interface Answered {
  status: number;
  headers: readonly (readonly [string, string])[];
  /** The body's bytes as they came, before any Content-Encoding is undone. */
  body: Uint8Array;
  /** Framing problems (over a socket only); an answer with status 0 is none at all. */
  problems: string[];
}

function toRaw(answered: Answered, body: Uint8Array): RawResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of answered.headers)
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  let text: string;
  let notUtf8 = false;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    notUtf8 = true;
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
  }
  return {
    status: answered.status,
    contentType: headers['content-type'] ?? null,
    body: text,
    headers,
    ...(body.length > MAX_ANSWER_BYTES ? { truncatedAt: MAX_ANSWER_BYTES } : {}),
    ...(notUtf8 ? { notUtf8 } : {}),
  };
}

/**
 * An answer's bytes read as a client reads them, once its framing and its labels (Content-Encoding,
 * charset) were found true: the answer (its decoded body too), or what was not true about it.
 */
export function readAnswered(answered: Answered): { problems: string[] } | { raw: RawResponse; body: Uint8Array } {
  if (answered.status === 0 || answered.problems.length > 0) return { problems: answered.problems };
  const content = contentProblems(answered.headers, answered.body);
  if (!content.body || content.problems.length > 0) return { problems: content.problems };
  return { raw: toRaw(answered, content.body), body: content.body };
}
