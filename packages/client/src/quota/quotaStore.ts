/**
 * Where a quota is kept: in the process (the default) or shared by processes and machines
 * (`redisQuota` from @iot-task/quota-redis). A store hands out places in one API's quota of one
 * account; the client asks for one before each attempt and gives it back when the answer (or the
 * failure) is in. The promise every store keeps: no more than `requestsPerSecond` requests reach
 * the server in any one second, however the network delays them (decisions/quota-counted-at-the-server.md).
 */

/** How clients use a quota, wherever it is kept. */
export interface QuotaOptions {
  /**
   * Whose quota it is: a name every client of one Alibaba Cloud account shares, whichever RAM
   * user (AccessKey) it signs with — the quota is the account's, not the AccessKey's.
   * @default the AccessKey ID (RAM users of one account then get a bucket each: set it)
   */
  account?: string;
  /** @default each action's `x-acs-quota` (5 a second for the IoT job actions) */
  requestsPerSecond?: number;
  /**
   * Requests that may go at once after a quiet spell, at most `requestsPerSecond`. Whatever it
   * is, no more than `requestsPerSecond` requests reach the server in any one second.
   * @default requestsPerSecond − 1 (at least 1)
   */
  burst?: number;
  /**
   * How long a call may wait for its turn, in all (a call's `timeoutMs` counts only its time on
   * the wire); then it fails with a TimeoutError `QuotaWaitTimeout`, never sent. The caller's
   * AbortSignal ends the wait at any time. @default 300000 (5 minutes)
   */
  maxWaitMs?: number;
  /**
   * `true` counts each request from the moment it may start until one second after its answer:
   * safe whatever the network does. The default counts it until one second after it reached the
   * server, as estimated from the shortest round trip seen (half of it each way), which keeps the
   * rate close to the quota. @default false
   */
  strict?: boolean;
}

/** One request's claim on a place in its API's quota. */
export interface QuotaRequest {
  /** Whose quota: `account`, or the AccessKey ID. */
  readonly account: string;
  /** The API: its family (product and version) and action, e.g. `Iot20180120/QueryTask`. */
  readonly api: string;
  readonly requestsPerSecond: number;
  readonly burst: number;
  /**
   * The request cannot reach the server sooner than this after its place is granted (0:
   * unknown). Read it each time the store decides: it may change while the request waits.
   */
  readonly earliestArrivalMs: number;
  /**
   * Longest the request may stay out (the attempt's timeout): a place whose holder never gives
   * it back (a process killed) is free again this long plus one second after it was granted.
   */
  readonly leaseMs: number;
}

/** A granted place in the quota. */
export interface QuotaSlot {
  /**
   * The answer or the failure is in; the request reached the server, if at all, at least
   * `sinceArrivalMs` ago (0 when unknown). The place counts until one second after that
   * arrival. Idempotent; it never throws.
   */
  done(sinceArrivalMs?: number): void;
}

/**
 * A quota kept somewhere: `createIotTaskClient({ quota: store })`. `options` says how clients
 * use it (account, rates, waits).
 */
export interface QuotaStore {
  readonly options: QuotaOptions;
  /**
   * Resolves with a place once the request may start; rejects with `signal`'s reason if it
   * aborts first, or with a QuotaStoreError when the store cannot be asked.
   */
  acquire(request: QuotaRequest, signal: AbortSignal): Promise<QuotaSlot>;
}

/** Whether `value` is a QuotaStore (an object with `acquire`) rather than plain QuotaOptions. */
export function isQuotaStore(value: unknown): value is QuotaStore {
  return typeof value === 'object' && value !== null && typeof (value as QuotaStore).acquire === 'function';
}
