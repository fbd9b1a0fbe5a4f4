import type { IncomingResponse, Send } from './send.ts';
import { redirectError, tooLargeError } from './sendErrors.ts';

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
      throw tooLargeError(status, limit, text);
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
      throw redirectError(response.status, response.headers.get('location'), request.url);
    }
    const answer: IncomingResponse = {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text: (limit) => readCapped(response.body, limit, response.status),
    };
    return answer;
  };
}
