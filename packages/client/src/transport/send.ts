/** A signed request, ready to go: what the send stage needs and nothing else. */
export interface OutgoingRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Readonly<Record<string, string>>;
}

/** What the send stage hands back: the status, the headers, and a body read with a cap. */
export interface IncomingResponse {
  status: number;
  header(name: string): string | undefined;
  /**
   * The decoded body as text. Past `limit` bytes (after decompression) reading stops, the
   * connection is closed and a ResponseParseError (`ResponseTooLarge`) is thrown.
   */
  text(limit: number): Promise<string>;
}

/**
 * The send stage: one HTTP exchange. Redirects are never followed (the API never redirects; a
 * 3xx is a ResponseParseError `UnexpectedRedirect`). A failure to get an answer rejects with the
 * transport's own error; the call classifies it (network, attempt timeout, abort).
 */
export type Send = (request: OutgoingRequest, signal: AbortSignal) => Promise<IncomingResponse>;
