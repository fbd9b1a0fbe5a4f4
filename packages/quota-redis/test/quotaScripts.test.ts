import { startTestRedis, type TestRedis } from '@iot-task/test-support/redisServer';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACQUIRE, KEY_NAMES, LEAVE, RELEASE } from '../src/quotaScripts.ts';
import { busiestSecond } from './support/quotaRun.ts';

// The scripts themselves, in a real Redis, on a simulated clock (each call passes its `now`):
// processes that ask, are granted, reach the server, answer, time out and die, interleaved as
// fast-check draws them. The promise checked: never more than the rate of arrivals at the server
// in any sliding second, and every process that lives is served.
type Scripted = Redis & {
  acquire(...args: (string | number)[]): Promise<[number, number]>;
  release(...args: (string | number)[]): Promise<number>;
  leave(...args: (string | number)[]): Promise<number>;
};

let redis: TestRedis;
let connection: Scripted;
beforeAll(async () => {
  redis = await startTestRedis();
  connection = new Redis(redis.url) as Scripted;
  connection.defineCommand('acquire', { numberOfKeys: KEY_NAMES.length, lua: ACQUIRE });
  connection.defineCommand('release', { numberOfKeys: KEY_NAMES.length, lua: RELEASE });
  connection.defineCommand('leave', { numberOfKeys: KEY_NAMES.length, lua: LEAVE });
});
afterAll(async () => {
  connection?.disconnect();
  await redis?.stop();
});

const LEASE_MS = 2000;
const TICKET_LEASE_MS = 3000;
const T0 = 10_000_000;

interface Planned {
  at: number;
  /** To the server, and back. */
  up: number;
  down: number;
  /** What the client knows: at most `up`, at most `down`. */
  earliest: number;
  since: number;
}

interface Sim {
  rate: number;
  burst: number;
  processes: { requests: Planned[]; diesAt: number | undefined }[];
}

const request = fc
  .record({
    at: fc.nat(4000),
    up: fc.nat(1500),
    down: fc.nat(2500),
    earliestShare: fc.double({ min: 0, max: 1, noNaN: true }),
    sinceShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ at, up, down, earliestShare, sinceShare }) => ({
    at,
    up,
    down,
    earliest: Math.floor(up * earliestShare),
    since: Math.floor(down * sinceShare),
  }));

const simulation: fc.Arbitrary<Sim> = fc.integer({ min: 1, max: 6 }).chain((rate) =>
  fc.record({
    rate: fc.constant(rate),
    burst: fc.integer({ min: 1, max: rate }),
    processes: fc.array(
      fc.record({
        requests: fc.array(request, { minLength: 1, maxLength: 12 }).map((r) => r.sort((a, b) => a.at - b.at)),
        diesAt: fc.option(fc.nat(5000), { nil: undefined, freq: 3 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
  }),
);

/** Runs one simulation against the scripts; returns the arrival times and how many were served. */
async function simulate(sim: Sim, run: number) {
  const tag = `sim:{${run}}`;
  const keys = KEY_NAMES.map((name) => `${tag}:${name}`);
  // A Redis that has held this state all along: no restart hold.
  await connection.set(keys[5] as string, 0);
  type Event = { at: number; seq: number; fire: () => Promise<void> };
  const events: Event[] = [];
  let seq = 0;
  const schedule = (at: number, fire: () => Promise<void>) => events.push({ at, seq: seq++, fire });
  const arrivals: number[] = [];
  /** Requests of processes that never die: each must be served. */
  let immortalServed = 0;
  let immortalRequests = 0;
  const waiting = new Set<() => void>();

  sim.processes.forEach((process, p) => {
    const queue: Planned[] = [];
    let asking = false;
    let dead = false;
    let places = 0;
    const alive = (at: number) => process.diesAt === undefined || at < process.diesAt;
    if (process.diesAt !== undefined) {
      schedule(process.diesAt, async () => {
        dead = true;
      });
    }
    const ask = async (now: number): Promise<void> => {
      if (dead || asking || queue.length === 0) return;
      asking = true;
      const head = queue[0] as Planned;
      const place = `${p}:${places++}`;
      const [granted, wait] = (
        await connection.acquire(
          ...keys,
          now,
          place,
          `ticket-${p}`,
          sim.rate,
          sim.burst,
          head.earliest,
          LEASE_MS,
          0,
          TICKET_LEASE_MS,
          600_000,
          `${tag}:events`,
        )
      ).map(Number) as [number, number];
      asking = false;
      if (granted === 1) {
        queue.shift();
        if (process.diesAt === undefined) immortalServed += 1;
        const arrival = now + head.up;
        // A process that dies before its request left: it may still reach the server, by its lease.
        arrivals.push(arrival);
        const answeredAt = arrival + head.down;
        // The client gives the place back at the answer, or when the attempt times out (its lease).
        const [releaseAt, since] = answeredAt <= now + LEASE_MS ? [answeredAt, head.since] : [now + LEASE_MS, 0];
        schedule(releaseAt, async () => {
          if (!alive(releaseAt)) return; // killed: the place frees by its lease
          await connection.release(...keys, releaseAt, place, since, `${tag}:events`, 600_000);
          for (const wake of [...waiting]) wake();
        });
        for (const wake of [...waiting]) wake();
        return ask(now);
      }
      // Denied: ask again when told, at least every second, or when something changes.
      let woken = false;
      const retry = (at: number) => async () => {
        if (woken) return;
        woken = true;
        waiting.delete(wakeNow);
        await ask(at);
      };
      const wakeNow = () => schedule(current, retry(current));
      waiting.add(wakeNow);
      schedule(now + Math.max(1, Math.min(wait, 1000)), retry(now + Math.max(1, Math.min(wait, 1000))));
    };
    for (const planned of process.requests) {
      if (process.diesAt === undefined) immortalRequests += 1;
      schedule(planned.at, async () => {
        if (dead) return;
        queue.push(planned);
        await ask(planned.at);
      });
    }
  });

  let current = 0;
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = events.shift() as Event;
    current = next.at;
    await next.fire();
    if (current > T0 + 600_000) throw new Error('the simulation did not end');
  }
  return { arrivals, immortalServed, immortalRequests };
}

describe('the quota scripts, on a simulated clock', () => {
  it('never let more than the rate reach the server in any sliding second; every living process is served', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(simulation, async (sim) => {
        const shifted = {
          ...sim,
          processes: sim.processes.map((p) => ({
            requests: p.requests.map((r) => ({ ...r, at: r.at + T0 })),
            diesAt: p.diesAt === undefined ? undefined : p.diesAt + T0,
          })),
        };
        const { arrivals, immortalServed, immortalRequests } = await simulate(shifted, run++);
        expect(busiestSecond(arrivals)).toBeLessThanOrEqual(Math.max(1, Math.floor(sim.rate)));
        // A process that dies leaves places and a ticket behind: they expire, and the others go on.
        expect(immortalServed).toBe(immortalRequests);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a fresh state on a Redis that started moments ago holds every grant until the hold is over', async () => {
    const HOLD_MS = 3_600_000;
    const keys = KEY_NAMES.map((name) => `fresh:{1}:${name}`);
    const args = (now: number | '') => [
      ...keys,
      now,
      'place',
      'ticket',
      5,
      4,
      0,
      LEASE_MS,
      HOLD_MS,
      TICKET_LEASE_MS,
      600_000,
      'fresh:events',
    ];
    // This Redis started moments ago (however slow the machine: an hour is far more than the
    // suite takes), so with an hour's hold the first ask is told to wait out what is left of it.
    const [granted, wait] = (await connection.acquire(...args(''))).map(Number);
    expect(granted).toBe(0);
    expect(wait).toBeGreaterThan(HOLD_MS - 10 * 60_000);
    expect(wait).toBeLessThanOrEqual(HOLD_MS);
  });
});
