import { getResponse, type RequestHandler } from 'msw';

/**
 * A `fetch` that answers from MSW handlers in-process: no socket, no interceptor, no timer of its
 * own — only promises. Give it to a client (`createIotTaskClient({ fetch })`) to test on a fake
 * clock: with nothing but microtasks between timers, `vi.advanceTimersByTimeAsync` decides every
 * ordering, so a test gives the same verdict on an idle machine and a loaded one.
 *
 * Behaves as `fetch` does where a client can tell: an aborted signal rejects with its reason (also
 * while a handler is still working, e.g. a `latency` fault); `HttpResponse.error()` rejects with a
 * `TypeError`; so does a request no handler answers.
 *
 * @example
 * const mock = createIotMock();
 * const client = createIotTaskClient({ credentials: TEST_CREDENTIALS, fetch: fetchFromHandlers(mock.handlers) });
 */
export function fetchFromHandlers(handlers: readonly RequestHandler[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const signal = request.signal;
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const response = await Promise.race([getResponse([...handlers], request), aborted]);
      if (!response) throw new TypeError(`fetch failed: no handler answers ${request.method} ${request.url}`);
      if (response.type === 'error') throw new TypeError('fetch failed: the connection was dropped');
      return response;
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  };
}
