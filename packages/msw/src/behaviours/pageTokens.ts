/** How long a page token stays good: ListTask's document says one minute. */
export const PAGE_TOKEN_TTL_MS = 60_000;
const MAX_TOKENS = 10_000;

export type Redeemed = { offset: number } | { refused: string };

/**
 * The page tokens a mock has handed out: each names the next page of one query (its filters and
 * page size) and expires after a minute. A token is redeemed for that query only; the last page
 * gets none, so following tokens always ends.
 */
export class PageTokens {
  private readonly issued = new Map<string, { query: string; offset: number; at: number }>();
  private count = 0;

  issue(query: string, offset: number, now: number): string {
    for (const [token, entry] of this.issued) {
      if (now - entry.at <= PAGE_TOKEN_TTL_MS && this.issued.size < MAX_TOKENS) break;
      this.issued.delete(token);
    }
    this.count += 1;
    const token = `NT${this.count.toString(36).padStart(6, '0')}${offset.toString(36)}`;
    this.issued.set(token, { query, offset, at: now });
    return token;
  }

  redeem(token: string, query: string, now: number): Redeemed {
    const entry = this.issued.get(token);
    if (!entry) return { refused: `NextToken ${JSON.stringify(token)} was not handed out by this service` };
    if (now - entry.at > PAGE_TOKEN_TTL_MS) return { refused: 'NextToken has expired (it is good for one minute)' };
    if (entry.query !== query) return { refused: 'NextToken belongs to a list with other parameters' };
    return { offset: entry.offset };
  }

  clear(): void {
    this.issued.clear();
  }
}
