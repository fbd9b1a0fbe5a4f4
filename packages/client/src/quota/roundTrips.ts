/**
 * The share of each half of the shortest round trip taken as known: the rest absorbs one
 * direction being quicker than the other, and trips that vary (on loopback, where the variation
 * is as large as the trip, that leaves almost nothing: the safe reading).
 */
const CLAIMED_SHARE = 0.6;
/** Milliseconds taken off as well: timers and clocks are coarse. */
const MARGIN_MS = 2;
/** No half is taken to be longer than this, however slow the path: a bound on what a wrong estimate costs. */
const MAX_HALF_MS = 500;
/**
 * Trips seen before the shortest is trusted: a first trip is often slower than the path (a new
 * connection, a TLS handshake), and a later, faster one would arrive before it was expected.
 */
const TRIPS_BEFORE_TRUST = 3;

/**
 * The shortest round trip a client has seen, from a place granted to its answer's headers, and
 * what it says about when a request reached the server. Assumed: the two directions of a path
 * take about the same time, and a path does not get faster than its fastest trip so far
 * (decisions/quota-counted-at-the-server.md). Times are monotonic (`performance.now()`), so
 * a jump of the wall clock changes nothing.
 */
export class RoundTrips {
  private shortest = Number.POSITIVE_INFINITY;
  private seen = 0;

  /** Records one answered trip. */
  observe(ms: number): void {
    if (!(ms >= 0 && Number.isFinite(ms))) return;
    this.seen += 1;
    if (ms < this.shortest) this.shortest = ms;
  }

  /** How long a trip surely takes each way (a share of half the shortest, less a margin): 0 until three trips have been seen. */
  oneWayMs(): number {
    if (this.seen < TRIPS_BEFORE_TRUST) return 0;
    return Math.min(MAX_HALF_MS, Math.max(0, (this.shortest / 2) * CLAIMED_SHARE - MARGIN_MS));
  }
}
