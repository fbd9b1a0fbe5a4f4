/**
 * The share of each half of the shortest round trip taken as known: the rest absorbs one
 * direction being quicker than the other.
 */
const CLAIMED_SHARE = 0.6;
/** Milliseconds taken off as well: timers and clocks are coarse. */
const MARGIN_MS = 2;
/** No half is taken to be longer than this, however slow the path: a bound on what a wrong estimate costs. */
const MAX_HALF_MS = 500;
/**
 * Trips seen before the estimate is trusted: a first trip is often slower than the path (a new
 * connection, a TLS handshake), and a burst's first trips queue behind each other — which their
 * spread shows once there are a few.
 */
const TRIPS_BEFORE_TRUST = 4;
/** The latest trips kept to judge how steady the path is. */
const TRIPS_KEPT = 8;

/**
 * The round trips a client has seen, from a request handed to the transport to its answer's
 * headers (so signing and the client's own queue are not taken for the path), and what they say
 * about when a request reached the server. Assumed: the two directions of a path take about the
 * same time, and a path does not get faster than its fastest trip so far. Trips that vary are
 * queues rather than a path (a loaded machine, a busy proxy), and a queue need not be fair to
 * both directions: as much as the recent trips spread above the shortest is claimed less
 * (decisions/quota-counted-at-the-server.md). Times are monotonic (`performance.now()`), so a
 * jump of the wall clock changes nothing.
 */
export class RoundTrips {
  private shortest = Number.POSITIVE_INFINITY;
  private readonly recent: number[] = [];

  /** Records one answered trip. */
  observe(ms: number): void {
    if (!(ms >= 0 && Number.isFinite(ms))) return;
    if (ms < this.shortest) this.shortest = ms;
    this.recent.push(ms);
    if (this.recent.length > TRIPS_KEPT) this.recent.shift();
  }

  /**
   * How long a trip surely takes each way: a share of half the shortest, less a margin and the
   * recent trips' spread (their median above the shortest); 0 until four trips have been seen.
   */
  oneWayMs(): number {
    if (this.recent.length < TRIPS_BEFORE_TRUST) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const spread = (sorted[Math.floor(sorted.length / 2)] as number) - this.shortest;
    return Math.min(MAX_HALF_MS, Math.max(0, (this.shortest / 2) * CLAIMED_SHARE - MARGIN_MS - spread));
  }
}
