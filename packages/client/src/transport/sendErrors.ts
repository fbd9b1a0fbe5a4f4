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

/** The errors every send stage throws for what it refuses: a redirect, a body over the cap. */
export interface SendErrors {
  redirect: typeof redirectError;
  tooLarge: typeof tooLargeError;
}

/** The error for a 3xx: the API never redirects, so no send stage follows one. */
export function redirectError(
  status: number,
  location: string | null | undefined,
  requestUrl: string,
): ResponseParseError {
  return new ResponseParseError({
    code: 'UnexpectedRedirect',
    message: `HTTP ${status || 'redirect'} to ${target(location, requestUrl)}: the API never redirects, so it was not followed (is the endpoint right?)`,
    httpStatus: status || undefined,
    retryable: false,
    bodySnippet: '',
  });
}

/** The error for a body past `maxResponseBytes`: reading stopped, the connection closed. */
export function tooLargeError(status: number, limit: number, snippet: string): ResponseParseError {
  return new ResponseParseError({
    code: 'ResponseTooLarge',
    message: `HTTP ${status} with a body over ${limit} bytes (maxResponseBytes); reading stopped and the connection was closed`,
    httpStatus: status,
    retryable: false,
    bodySnippet: snippet.slice(0, 200),
  });
}

export const sendErrors: SendErrors = { redirect: redirectError, tooLarge: tooLargeError };
