import { describe, expect, it } from 'vitest';
import { dryRunVersion } from './dryRunVersion.ts';
import { publishedPackages } from './publishedPackages.ts';

describe('release:dry on the repository as it is', () => {
  it('moves every published package together, with consistent internal ranges, and leaves the repo alone', async () => {
    const published = (await publishedPackages()).map((p) => p.manifest);
    const { releases, problems } = await dryRunVersion();
    expect(problems).toEqual([]);
    // The pending first-release changeset is a minor one on a package of the fixed group.
    expect(releases.map((r) => r.name)).toEqual(published.map((m) => m.name));
    expect(new Set(releases.map((r) => r.to)).size).toBe(1);
    for (const r of releases) expect(r.changelog).toContain('## ');
    // Nothing was written to the repository itself.
    expect((await publishedPackages()).map((p) => p.manifest.version)).toEqual(published.map((m) => m.version));
  }, 60_000);
});
