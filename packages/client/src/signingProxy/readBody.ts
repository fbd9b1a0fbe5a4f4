/** Why a request body was not read to its end. */
export type BodyRefusal = 'too-large' | 'stalled' | 'broken';

/**
 * A request body as text, or why it was not read: past `limit` bytes (`too-large`, refused
 * unread when its Content-Length says so), not complete within `timeoutMs` of starting to read
 * (`stalled`: a client that sends its headers and then trickles or withholds the body would
 * otherwise hold the request, its buffers and its place open for ever), or failing mid-way
 * (`broken`: the client went away). Whatever stops the read cancels the body and its timer.
 */
export async function readBody(
  request: Request,
  limit: number,
  timeoutMs: number,
): Promise<{ text: string } | { refused: BodyRefusal }> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return { refused: 'too-large' };
  if (!request.body) return { text: '' };
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // One deadline for the whole body, not per chunk: a byte now and then must not keep it open.
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), timeoutMs);
  });
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  let complete = false;
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), stalled]);
      if (chunk === 'stalled') return { refused: 'stalled' };
      if (chunk.done) {
        complete = true;
        return { text: text + decoder.decode() };
      }
      bytes += chunk.value.byteLength;
      if (bytes > limit) return { refused: 'too-large' };
      text += decoder.decode(chunk.value, { stream: true });
    }
  } catch {
    return { refused: 'broken' };
  } finally {
    clearTimeout(timer);
    // Not awaited: a source whose cancel never settles must not hold the answer back.
    if (!complete) reader.cancel().catch(() => undefined);
  }
}
