/**
 * Nonces seen within the replay window, per AccessKey. Bounded twice: entries older than the
 * window are dropped as new ones arrive, and the total never exceeds `maxEntries` (the oldest
 * go first), so memory stays flat under any load.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private readonly windowMs: number;
  private readonly maxEntries: number;

  /**
   * `windowMs` defaults to 31 minutes: a timestamp is accepted up to 15 minutes either side of
   * now, so a nonce must be remembered for as long as a request carrying it could still be
   * accepted — its timestamp may be 15 minutes ahead, and stays valid 15 minutes past that.
   */
  constructor(options: { windowMs?: number; maxEntries?: number } = {}) {
    this.windowMs = options.windowMs ?? 31 * 60_000;
    this.maxEntries = options.maxEntries ?? 100_000;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Records the nonce; false when it was already used within the window. */
  record(accessKeyId: string, nonce: string, now: number): boolean {
    const key = `${accessKeyId}\u0000${nonce}`;
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.windowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    // Map iteration is insertion order: the first entries are the oldest.
    for (const [oldKey, oldAt] of this.seen) {
      if (this.seen.size <= this.maxEntries && now - oldAt < this.windowMs) break;
      this.seen.delete(oldKey);
    }
    return true;
  }

  clear(): void {
    this.seen.clear();
  }
}
