import { ResponseParseError } from '../errors.ts';
import type { IncomingResponse, Send } from './send.ts';

/** Where a redirect points, without query or fragment (they may carry anything). */
function target(location: string | null, base: string): string {
  if (!location) return 'nowhere';
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an unreadable location';
  }
}

/** Reads a body stream as text, stopping (and cancelling the stream) past `limit` bytes. */
async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number, status: number): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseParseError({
        code: 'ResponseTooLarge',
        message: `HTTP ${status} with a body over ${limit} bytes (maxResponseBytes); reading stopped and the connection was closed`,
        httpStatus: status,
        retryable: false,
        bodySnippet: text.slice(0, 200),
      });
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * The send stage over `fetch` (browsers, workers, Deno, or an injected fetch): `redirect:
 * 'manual'`, the attempt's signal, and a body read with a cap.
 */
export function fetchSend(fetchImpl: typeof fetch): Send {
  return async (request, signal) => {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      signal,
      redirect: 'manual',
    });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw new ResponseParseError({
        code: 'UnexpectedRedirect',
        message: `HTTP ${response.status || 'redirect'} to ${target(response.headers.get('location'), request.url)}: the API never redirects, so it was not followed (is the endpoint right?)`,
        httpStatus: response.status || undefined,
        retryable: false,
        bodySnippet: '',
      });
    }
    const answer: IncomingResponse = {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text: (limit) => readCapped(response.body, limit, response.status),
    };
    return answer;
  };
}
