import { ResponseParseError } from '../errors.ts';

/** Where a redirect points, without query or fragment (they may carry anything). */
function target(location: string | null | undefined, base: string): string {
  if (!location) return 'nowhere';
  try {
    const url = new URL(location, base);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'an unreadable location';
  }
}

/**
 * The errors every send stage throws for what it refuses: a redirect, a body over the cap, a body
 * whose content coding cannot be undone. Each is the server's answer, not a network failure, so
 * none is retried, and each carries the answer's `x-acs-request-id`. The call masks secrets in
 * them (redactSecrets.ts) before anyone sees them.
 */
export interface SendErrors {
  redirect: typeof redirectError;
  tooLarge: typeof tooLargeError;
  badEncoding: typeof badEncodingError;
}

/** The error for a 3xx: the API never redirects, so no send stage follows one. */
export function redirectError(
  status: number,
  location: string | null | undefined,
  requestUrl: string,
  requestId?: string | undefined,
): ResponseParseError {
  return new ResponseParseError({
    code: 'UnexpectedRedirect',
    message: `HTTP ${status || 'redirect'} to ${target(location, requestUrl)}: the API never redirects, so it was not followed (is the endpoint right?)`,
    requestId,
    httpStatus: status || undefined,
    retryable: false,
    bodySnippet: '',
  });
}

/** The error for a body past `maxResponseBytes`: reading stopped, the connection closed. */
export function tooLargeError(
  status: number,
  limit: number,
  snippet: string,
  requestId?: string | undefined,
): ResponseParseError {
  return new ResponseParseError({
    code: 'ResponseTooLarge',
    message: `HTTP ${status} with a body over ${limit} bytes (maxResponseBytes); reading stopped and the connection was closed`,
    requestId,
    httpStatus: status,
    retryable: false,
    bodySnippet: snippet,
  });
}

/** The error for a body its `Content-Encoding` does not describe (a corrupt gzip stream, say). */
export function badEncodingError(status: number, why: string, requestId?: string | undefined): ResponseParseError {
  return new ResponseParseError({
    code: 'BadContentEncoding',
    message: `HTTP ${status} with a body that could not be decoded as its Content-Encoding says (${why})`,
    requestId,
    httpStatus: status,
    retryable: false,
    bodySnippet: '',
  });
}

export const sendErrors: SendErrors = {
  redirect: redirectError,
  tooLarge: tooLargeError,
  badEncoding: badEncodingError,
};
