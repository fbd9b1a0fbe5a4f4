/**
 * Every error the client throws is an `IotTaskError`: branch on `kind` (it narrows
 * `AnyIotTaskError` to the class), or use `instanceof`; read `code`, `requestId`, `httpStatus` and
 * `retryable`. Names are explicit (they survive minification). No error carries credentials,
 * signed URLs or request objects.
 */
export type IotTaskErrorKind = AnyIotTaskError['kind'];

export interface IotTaskErrorDetails {
  code: string;
  message: string;
  requestId?: string | undefined;
  httpStatus?: number | undefined;
  retryable: boolean;
  /** When the server said how long to wait (`Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

export abstract class IotTaskError extends Error {
  abstract override readonly name: string;
  abstract readonly kind: string;
  /** Error code: the server's (`Throttling.User`, `iot.system.SystemException`) or the client's (`Timeout`). */
  readonly code: string;
  /** Alibaba Cloud's request ID, when the server answered. Quote it in support tickets. */
  readonly requestId: string | undefined;
  /** HTTP status, when the server answered. */
  readonly httpStatus: number | undefined;
  /** Whether sending the same read again may succeed. */
  readonly retryable: boolean;
  /** How long the server asked to wait before trying again (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(details: IotTaskErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.requestId = details.requestId;
    this.httpStatus = details.httpStatus;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      message: this.message,
      requestId: this.requestId,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
    };
  }
}

/** The API gateway refused the request: HTTP 4xx/5xx with `Code`, `Message`, `RequestId`. */
export class GatewayError extends IotTaskError {
  override readonly name = 'GatewayError';
  readonly kind = 'gateway';
  readonly hostId: string | undefined;
  readonly recommend: string | undefined;
  constructor(details: IotTaskErrorDetails & { hostId?: string | undefined; recommend?: string | undefined }) {
    super(details);
    this.hostId = details.hostId;
    this.recommend = details.recommend;
  }
}

/** IoT Platform answered HTTP 200 with `Success: false` (the official SDK returns these as success). */
export class BusinessError extends IotTaskError {
  override readonly name = 'BusinessError';
  readonly kind = 'business';
}

/** The request never got an HTTP answer: DNS, refused or dropped connection, TLS. */
export class NetworkError extends IotTaskError {
  override readonly name = 'NetworkError';
  readonly kind = 'network';
}

/** A deadline passed: one attempt (`AttemptTimeout`, retryable) or the whole call (`Timeout`). */
export class TimeoutError extends IotTaskError {
  override readonly name = 'TimeoutError';
  readonly kind = 'timeout';
}

/** The caller's AbortSignal fired; `cause` is the signal's reason. */
export class AbortedError extends IotTaskError {
  override readonly name = 'AbortedError';
  readonly kind = 'aborted';
}

/** Input was rejected before any network call; `field` names it, `expected` says what would pass. */
export class ValidationError extends IotTaskError {
  override readonly name = 'ValidationError';
  readonly kind = 'validation';
  readonly field: string;
  readonly expected: string;
  constructor(field: string, expected: string, received?: string) {
    super({
      code: 'ValidationError',
      message: `${field}: expected ${expected}${received === undefined ? '' : `, received ${received}`}`,
      retryable: false,
    });
    this.field = field;
    this.expected = expected;
  }
}

/**
 * The answer is not one the API gives, so it could not be read: an HTML page, a truncated or
 * oversized body (`ResponseTooLarge`), a redirect (`UnexpectedRedirect`; the API never redirects).
 */
export class ResponseParseError extends IotTaskError {
  override readonly name = 'ResponseParseError';
  readonly kind = 'parse';
  /** The first 200 characters of the body, for diagnosis (secrets masked). */
  readonly bodySnippet: string;
  constructor(details: IotTaskErrorDetails & { bodySnippet: string }) {
    super(details);
    this.bodySnippet = details.bodySnippet;
  }
}

const SNIPPET = 200;

/**
 * A ResponseParseError's snippet cut to its first 200 characters. Send stages and the decoder
 * keep more, so that masking secrets (scrubError) sees them whole; the call cuts last.
 */
export function cutSnippet<E extends IotTaskError>(error: E): E {
  if (error instanceof ResponseParseError && error.bodySnippet.length > SNIPPET) {
    Object.defineProperty(error, 'bodySnippet', { value: `${error.bodySnippet.slice(0, SNIPPET)}…` });
  }
  return error;
}

/** One way a response differs from the spec's schema. */
export interface DriftIssue {
  /** Where, e.g. `Data.Status`. */
  path: string;
  /** What the spec says, e.g. `one of QUEUED, SENT, …`. */
  expected: string;
  /** What came, shortened. */
  received: string;
}

/** The response parsed but does not match the spec: returning it would contradict its type. */
export class ResponseDriftError extends IotTaskError {
  override readonly name = 'ResponseDriftError';
  readonly kind = 'drift';
  readonly issues: readonly DriftIssue[];
  constructor(action: string, issues: readonly DriftIssue[], requestId?: string) {
    super({
      code: 'ResponseDrift',
      message: `${action} response differs from the spec: ${issues.map((i) => `${i.path}: expected ${i.expected}, received ${i.received}`).join('; ')}`,
      requestId,
      retryable: false,
    });
    this.issues = issues;
  }
}

/** No usable credentials; the message says which variables or options to set. */
export class CredentialsError extends IotTaskError {
  override readonly name = 'CredentialsError';
  readonly kind = 'credentials';
}

/** `waitForTask` reached its deadline before a terminal status; `lastTask` is the last one seen. */
export class WaitTimeoutError<TTask = unknown> extends IotTaskError {
  override readonly name = 'WaitTimeoutError';
  readonly kind = 'wait-timeout';
  readonly lastTask: TTask | undefined;
  constructor(taskId: string, timeoutMs: number, lastTask: TTask | undefined) {
    super({
      code: 'WaitTimeout',
      message: `task ${taskId} did not reach a terminal status within ${timeoutMs} ms`,
      retryable: false,
    });
    this.lastTask = lastTask;
  }
}

/**
 * `waitForTask` met a status the spec does not list, so it cannot tell whether the task has
 * ended: it stops at once instead of polling to its deadline. `task` is the task as answered.
 */
export class UnknownStatusError<TTask = unknown> extends IotTaskError {
  override readonly name = 'UnknownStatusError';
  readonly kind = 'unknown-status';
  readonly status: string;
  readonly task: TTask;
  constructor(taskId: string, status: string, task: TTask, requestId?: string) {
    super({
      code: 'UnknownStatus',
      message: `task ${taskId} reports status ${JSON.stringify(status)}, which the spec does not list, so whether it has ended is unknown`,
      requestId,
      retryable: false,
    });
    this.status = status;
    this.task = task;
  }
}

/**
 * Paging could not go on: the service handed out a page token it had handed out before, so
 * following it would loop forever. `pages` is how many pages were read.
 */
export class PaginationError extends IotTaskError {
  override readonly name = 'PaginationError';
  readonly kind = 'pagination';
  readonly pages: number;
  constructor(action: string, token: string, pages: number, requestId?: string) {
    super({
      code: 'RepeatedPageToken',
      message: `${action}: page ${pages} handed out a page token seen before (${token.length > 40 ? `${token.slice(0, 40)}…` : token}); following it would never end`,
      requestId,
      retryable: false,
    });
    this.pages = pages;
  }
}

/**
 * What was thrown, as text for a message — whatever it is: an object with no prototype, or whose
 * `toString` itself throws, still gets a description instead of a second error.
 */
export function describeThrown(thrown: unknown): string {
  try {
    return thrown instanceof Error ? thrown.message : String(thrown);
  } catch {
    return 'a value that cannot be shown as text';
  }
}

/**
 * One of the caller's own hooks (`hooks.onRequest`, `onResponse`, `onRetry`, `onDrift`) threw:
 * the call ends with this, not retried; `cause` is what the hook threw.
 */
export class HookError extends IotTaskError {
  override readonly name = 'HookError';
  readonly kind = 'hook';
  readonly hook: string;
  constructor(hook: string, cause: unknown) {
    super({
      code: 'HookFailed',
      message: `the ${hook} hook threw: ${describeThrown(cause)}`,
      retryable: false,
      cause,
    });
    this.hook = hook;
  }
}

/**
 * The quota's shared store could not be asked (unreachable, refused, a wrong password, too
 * slow): the request was not sent. `store` names it without its password; the message says the
 * fix. Retryable when the store may answer again (a connection, a timeout), not for a wrong
 * password or setting.
 */
export class QuotaStoreError extends IotTaskError {
  override readonly name = 'QuotaStoreError';
  readonly kind = 'quota-store';
  /** The store, e.g. `redis://:***@10.0.0.5:6379/0`: never with its password. */
  readonly store: string;
  constructor(details: IotTaskErrorDetails & { store: string }) {
    super(details);
    this.store = details.store;
  }
}

/** Every error the client throws; `switch (error.kind)` narrows it to its class. */
export type AnyIotTaskError =
  | GatewayError
  | BusinessError
  | NetworkError
  | TimeoutError
  | AbortedError
  | ValidationError
  | ResponseParseError
  | ResponseDriftError
  | CredentialsError
  | WaitTimeoutError
  | UnknownStatusError
  | PaginationError
  | HookError
  | QuotaStoreError;

export function isIotTaskError(error: unknown): error is AnyIotTaskError {
  return error instanceof IotTaskError;
}
