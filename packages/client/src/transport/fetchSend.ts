import type { IncomingResponse, Send } from './send.ts';

/** The refusals' errors, loaded when one is needed: a call that goes right never needs them. */
const refusals = () => import('./sendErrors.ts');

/** Whether a body read failed because its content coding could not be undone (zlib's or brotli's codes). */
function isDecodingFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^(Z_|ERR_BROTLI|ERR__ERROR_FORMAT|ERR_ZSTD)/.test(code)) return true;
    current = current.cause;
  }
  return false;
}

/** Reads a body stream as text, stopping (and cancelling the stream) past `limit` bytes. */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  status: number,
  requestId: string | undefined,
): Promise<string> {
  if (!body) return '';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (error) {
      if (isDecodingFailure(error))
        throw (await refusals()).badEncodingError(status, (error as Error).message, requestId);
      throw error;
    }
    const { done, value } = chunk;
    if (done) return text + decoder.decode();
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      throw (await refusals()).tooLargeError(status, limit, text.slice(0, 1000), requestId);
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
    const requestId = response.headers.get('x-acs-request-id') ?? undefined;
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw (await refusals()).redirectError(response.status, response.headers.get('location'), request.url, requestId);
    }
    const answer: IncomingResponse = {
      status: response.status,
      header: (name) => response.headers.get(name) ?? undefined,
      text: (limit) => readCapped(response.body, limit, response.status, requestId),
    };
    return answer;
  };
}
