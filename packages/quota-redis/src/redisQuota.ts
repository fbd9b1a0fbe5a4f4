import { randomUUID } from 'node:crypto';
import {
  type QuotaOptions,
  type QuotaRequest,
  type QuotaSlot,
  type QuotaStore,
  ValidationError,
} from '@iot-task/client';
import { Redis, type RedisOptions } from 'ioredis';
import { nonEmpty, positiveMs } from './checkOptions.ts';
import { ACQUIRE, KEY_NAMES, LEAVE, RELEASE } from './quotaScripts.ts';
import { type RedisAddress, redisAddress } from './redisUrl.ts';
import { storeError } from './storeError.ts';

export interface RedisQuotaOptions extends QuotaOptions {
  /** `redis://[:password@]host[:port][/db]`, or `rediss://…` for TLS. */
  url: string;
  /** Prefix of every key and channel the quota uses. @default 'iot-task:quota' */
  keyPrefix?: string;
  /**
   * How long a call waits for Redis to be connected (at the start, or while it reconnects)
   * before it fails with QuotaStoreError `QuotaStoreUnavailable`. @default 1000
   */
  connectTimeoutMs?: number;
  /** How long one Redis command may take before the call fails with `QuotaStoreTimeout`. @default 1000 */
  commandTimeoutMs?: number;
  /**
   * After Redis lost the quota's state (restarted keeping nothing), how long after its start no
   * place is granted: the places granted before are unknown. At least the longest
   * `attemptTimeoutMs` of any client sharing the account, plus a second. @default 6000
   */
  restartHoldMs?: number;
}

/** The quota of an account kept in Redis, shared by every process and machine that uses it. */
export interface RedisQuota extends QuotaStore {
  /** The Redis URL without its password. */
  readonly store: string;
  /** Closes the connections; calls waiting for a turn fail with `QuotaStoreClosed`. */
  close(): Promise<void>;
}

/** A waiting process's ticket lives this long without being renewed. */
const TICKET_LEASE_MS = 3000;
/** A waiting process asks again at least this often (its ticket is renewed each time). */
const REFRESH_MS = 1000;
/** Keys of an account and API nobody has used for this long expire. */
const KEY_TTL_MS = 600_000;

type Scripted = Redis & {
  iotQuotaAcquire(...args: (string | number)[]): Promise<[number, number]>;
  iotQuotaRelease(...args: (string | number)[]): Promise<number>;
  iotQuotaLeave(...args: (string | number)[]): Promise<number>;
};

interface Waiter {
  readonly request: QuotaRequest;
  readonly signal: AbortSignal;
  resolve(slot: QuotaSlot): void;
  reject(reason: unknown): void;
  readonly onAbort: () => void;
}

/** This process's waiters for one account and API, in FIFO order; one of them asks Redis at a time. */
interface KeyQueue {
  readonly keys: readonly string[];
  readonly channel: string;
  readonly waiters: Waiter[];
  asking: boolean;
  /** Whether this process's ticket may be in Redis's queue. */
  queued: boolean;
  /** Ends the current pause early: a place was granted or given back somewhere. */
  wake: (() => void) | undefined;
}

/**
 * An account's quota kept in Redis, so that every process and machine — and every RAM user of
 * the account, whichever AccessKey it signs with — shares it: no more than the quota reaches the
 * server in any second. Grants are atomic Lua scripts on Redis's clock (one round trip each);
 * waiting processes queue fairly and are woken by Redis pub/sub, not by polling; places of a
 * process killed while holding them free themselves after `attemptTimeoutMs` + 1 s. When Redis
 * cannot be asked (down, a wrong password, too slow), calls fail with a QuotaStoreError naming
 * the URL without its password — never sent over the quota — and it reconnects by itself.
 *
 * @example
 * import { createIotTaskClient } from '@iot-task/client';
 * import { redisQuota } from '@iot-task/quota-redis';
 * const quota = redisQuota({ url: 'redis://10.0.0.5:6379', account: 'acme-prod' });
 * const client = createIotTaskClient({ region: 'cn-shanghai', quota });
 * // …and when the process is done with it:
 * await quota.close();
 */
export function redisQuota(given: RedisQuotaOptions): RedisQuota {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new ValidationError('redisQuota', 'an object of options with a url', typeof given);
  }
  const address: RedisAddress = redisAddress('redisQuota.url', given.url);
  const account = nonEmpty('redisQuota.account', given.account);
  const keyPrefix = nonEmpty('redisQuota.keyPrefix', given.keyPrefix, 'iot-task:quota') as string;
  const settings = {
    connectTimeoutMs: positiveMs('redisQuota.connectTimeoutMs', given.connectTimeoutMs, 1000),
    commandTimeoutMs: positiveMs('redisQuota.commandTimeoutMs', given.commandTimeoutMs, 1000),
  };
  const restartHoldMs = positiveMs('redisQuota.restartHoldMs', given.restartHoldMs, 6000);
  const {
    url: _url,
    keyPrefix: _prefix,
    connectTimeoutMs: _c,
    commandTimeoutMs: _t,
    restartHoldMs: _h,
    ...quota
  } = given;
  const options: QuotaOptions = { ...quota, ...(account === undefined ? {} : { account }) };

  const instance = randomUUID();
  let placeCount = 0;
  let closed = false;
  /** Why the connection failed since it was last ready, if it did. */
  let lastError: { error: unknown } | undefined;
  let redis: Scripted | undefined;
  let subscriber: Redis | undefined;
  const queues = new Map<string, KeyQueue>();
  const subscribed = new Set<string>();
  /** Operations under way (waiters, releases): while there are none, the connections keep no process alive. */
  let busy = 0;

  const connectionOptions: RedisOptions = {
    lazyConnect: true,
    // A call never waits in a queue of ioredis's for a connection: it fails (typed) or goes.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2000),
    connectionName: 'iot-task-quota',
  };

  /** Sockets keep the process alive only while something waits for Redis. */
  const holdProcess = (connection: Redis | undefined) => {
    const stream = connection?.stream as { ref?: () => void; unref?: () => void } | undefined;
    if (busy > 0) stream?.ref?.();
    else stream?.unref?.();
  };

  function connection(): Scripted {
    if (!redis) {
      const created = new Redis(address.url, connectionOptions) as Scripted;
      created.defineCommand('iotQuotaAcquire', { numberOfKeys: KEY_NAMES.length, lua: ACQUIRE });
      created.defineCommand('iotQuotaRelease', { numberOfKeys: KEY_NAMES.length, lua: RELEASE });
      created.defineCommand('iotQuotaLeave', { numberOfKeys: KEY_NAMES.length, lua: LEAVE });
      created.on('error', (error: unknown) => {
        lastError = { error };
      });
      created.on('ready', () => {
        lastError = undefined;
        holdProcess(created);
      });
      redis = created;
    }
    return redis;
  }

  function events(): Redis {
    if (!subscriber) {
      const created = new Redis(address.url, {
        ...connectionOptions,
        enableOfflineQueue: true,
        commandTimeout: undefined,
      });
      created.on('error', () => undefined);
      created.on('ready', () => holdProcess(created));
      created.on('message', (channel: string) => queues.get(channel)?.wake?.());
      subscriber = created;
    }
    return subscriber;
  }

  /** Connects a connection that is not trying to (new, or stopped while nothing waited): a fresh start. */
  function reconnect(connection_: Redis): void {
    if (connection_ === redis) lastError = undefined;
    connection_.connect().catch(() => undefined);
  }

  function use(): void {
    busy += 1;
    if (busy !== 1) return;
    for (const connection of [redis, subscriber]) {
      if (connection?.status === 'end') reconnect(connection);
      holdProcess(connection);
    }
  }

  function unuse(): void {
    busy -= 1;
    if (busy !== 0) return;
    for (const connection of [redis, subscriber]) {
      // Nothing waits: stop reconnecting to a Redis that is down (the next call connects again).
      if (connection && connection.status !== 'ready' && connection.status !== 'end') connection.disconnect();
      holdProcess(connection);
    }
  }

  /** The connection once ready, within connectTimeoutMs; else why not. */
  async function ready(signal: AbortSignal): Promise<Scripted> {
    if (closed) throw new Error('closed');
    const connection_ = connection();
    if (connection_.status === 'ready') return connection_;
    if (connection_.status === 'wait' || connection_.status === 'end') {
      reconnect(connection_);
    } else if (lastError) {
      // Known to be down (it failed since it was last ready, and reconnects in the background): say so now.
      throw lastError.error;
    }
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: unknown) => {
        clearTimeout(timer);
        connection_.off('ready', onReady);
        connection_.off('error', onError);
        signal.removeEventListener('abort', onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = () => finish();
      // A refused connection or a wrong password is known at once: no need to wait out the timeout.
      const onError = (error: unknown) => finish(error);
      const onAbort = () => finish(signal.reason);
      const timer = setTimeout(
        () => finish(new Error(`connect ETIMEDOUT (no connection within ${settings.connectTimeoutMs} ms)`)),
        settings.connectTimeoutMs,
      );
      connection_.once('ready', onReady);
      connection_.once('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return connection_;
  }

  function queueOf(request: QuotaRequest): KeyQueue {
    const tag = `${keyPrefix}:{${encodeURIComponent(request.account)}:${request.api}}`;
    let queue = queues.get(`${tag}:events`);
    if (!queue) {
      queue = {
        keys: KEY_NAMES.map((name) => `${tag}:${name}`),
        channel: `${tag}:events`,
        waiters: [],
        asking: false,
        queued: false,
        wake: undefined,
      };
      queues.set(queue.channel, queue);
    }
    return queue;
  }

  function placeFor(queue: KeyQueue, place: string): QuotaSlot {
    let open = true;
    return {
      done(sinceArrivalMs = 0) {
        if (!open) return;
        open = false;
        const since = Number.isFinite(sinceArrivalMs) && sinceArrivalMs > 0 ? sinceArrivalMs : 0;
        const connection_ = redis;
        // Not connected: the place stays until its lease ends (attemptTimeoutMs + 1 s) — never sooner.
        if (connection_?.status !== 'ready' || closed) return;
        use();
        connection_
          .iotQuotaRelease(...queue.keys, '', place, Math.round(since), queue.channel, KEY_TTL_MS)
          .catch(() => undefined)
          .finally(unuse);
      },
    };
  }

  function pause(queue: KeyQueue, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(1, Math.min(ms, REFRESH_MS)));
      function done() {
        clearTimeout(timer);
        queue.wake = undefined;
        resolve();
      }
      queue.wake = done;
    });
  }

  function settle(waiter: Waiter, outcome: { slot: QuotaSlot } | { error: unknown }): void {
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    unuse();
    if ('slot' in outcome) waiter.resolve(outcome.slot);
    else waiter.reject(outcome.error);
  }

  /** Asks Redis for the head waiter's place until every waiter of the queue is served. */
  async function ask(queue: KeyQueue): Promise<void> {
    if (queue.asking) return;
    queue.asking = true;
    try {
      while (queue.waiters.length > 0) {
        const head = queue.waiters[0] as Waiter;
        const { request } = head;
        const place = `${instance}:${++placeCount}`;
        let granted: boolean;
        let waitMs: number;
        try {
          const connection_ = await ready(head.signal);
          if (!subscribed.has(queue.channel)) {
            subscribed.add(queue.channel);
            events()
              .subscribe(queue.channel)
              .catch(() => subscribed.delete(queue.channel));
          }
          const [grant, wait] = (
            await connection_.iotQuotaAcquire(
              ...queue.keys,
              '',
              place,
              instance,
              request.requestsPerSecond,
              request.burst,
              Math.max(0, Math.round(request.earliestArrivalMs)),
              Math.round(request.leaseMs),
              Math.max(restartHoldMs, request.leaseMs + 1000),
              TICKET_LEASE_MS,
              KEY_TTL_MS,
              queue.channel,
            )
          ).map(Number);
          granted = grant === 1;
          waitMs = wait ?? REFRESH_MS;
        } catch (error) {
          if (head.signal.aborted && !closed) continue;
          // What kept this one from asking keeps the others too: every waiter here learns it now,
          // rather than each after its own connect timeout.
          const failure = storeError(address, 'the request', closed ? 'closed' : error, settings);
          for (const waiter of queue.waiters.splice(0)) settle(waiter, { error: failure });
          continue;
        }
        queue.queued = !granted;
        if (granted) {
          const slot = placeFor(queue, place);
          if (queue.waiters[0] === head && !head.signal.aborted) {
            queue.waiters.shift();
            settle(head, { slot });
          } else {
            // Aborted while Redis granted it: given back at once (it blocks one second from now).
            slot.done(0);
          }
          continue;
        }
        if (queue.waiters[0] === head) await pause(queue, waitMs);
      }
      if (queue.queued && redis?.status === 'ready') {
        queue.queued = false;
        await redis.iotQuotaLeave(...queue.keys, instance, queue.channel).catch(() => undefined);
      }
    } finally {
      queue.asking = false;
      // A waiter may have come while the last Redis call was out.
      if (queue.waiters.length > 0) void ask(queue);
    }
  }

  return {
    options,
    store: address.shown,
    acquire(request, signal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      if (closed) return Promise.reject(storeError(address, 'the request', 'closed', settings));
      return new Promise<QuotaSlot>((resolve, reject) => {
        const queue = queueOf(request);
        const waiter: Waiter = {
          request,
          signal,
          resolve,
          reject,
          onAbort: () => {
            const index = queue.waiters.indexOf(waiter);
            if (index < 0) return;
            queue.waiters.splice(index, 1);
            unuse();
            reject(signal.reason);
            if (index === 0) queue.wake?.();
          },
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
        use();
        queue.waiters.push(waiter);
        void ask(queue);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const queue of queues.values()) {
        for (const waiter of queue.waiters.splice(0))
          settle(waiter, { error: storeError(address, 'the request', 'closed', settings) });
        queue.wake?.();
      }
      // The goodbye keeps the process alive until Redis has it (releases in flight go first).
      busy += 1;
      for (const connection of [redis, subscriber]) holdProcess(connection);
      await Promise.all(
        [redis, subscriber].map((connection) =>
          connection?.status === 'ready'
            ? connection.quit().catch(() => connection.disconnect())
            : connection?.disconnect(),
        ),
      );
      busy -= 1;
    },
  };
}
