/** An answer as it came off the wire. */
export interface RawResponse {
  status: number;
  contentType: string | null;
  body: string;
  /** Response headers, lowercase names. */
  headers?: Readonly<Record<string, string>>;
  /** Set when the body was longer than the kit reads (MAX_ANSWER_BYTES). */
  truncatedAt?: number;
  /** Set when the body's bytes are not UTF-8 (it was read with U+FFFD in their place). */
  notUtf8?: boolean;
}

/** The most of an answer the kit reads: no answer of this API comes near it. */
export const MAX_ANSWER_BYTES = 1 << 20;

/** An answer read off a Response, headers included; reading stops past MAX_ANSWER_BYTES. */
export async function readRaw(response: Response): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  let body = '';
  let truncatedAt: number | undefined;
  let notUtf8 = false;
  if (response.body) {
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      if (bytes > MAX_ANSWER_BYTES) {
        truncatedAt = MAX_ANSWER_BYTES;
        // Not awaited: the body may be one branch of a tee, whose cancel waits for the other branch.
        void reader.cancel().catch(() => undefined);
        break;
      }
      chunks.push(value);
    }
    const all = Buffer.concat(chunks);
    // A byte order mark stays in: JSON must not start with one (RFC 8259), and the kit says so.
    try {
      body = new TextDecoder('utf-8', { ignoreBOM: true, fatal: truncatedAt === undefined }).decode(all);
    } catch {
      notUtf8 = true;
      body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(all);
    }
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
    headers,
    ...(truncatedAt === undefined ? {} : { truncatedAt }),
    ...(notUtf8 ? { notUtf8 } : {}),
  };
}
