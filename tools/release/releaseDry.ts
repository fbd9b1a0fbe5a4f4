/** `npm run release:dry`: what the next `changeset version` would publish, checked for consistency. */
import { dryRunVersion } from './dryRunVersion.ts';

const { releases, problems } = await dryRunVersion();
if (releases.length === 0) console.log('release:dry: no pending changesets — nothing would be published');
for (const r of releases) console.log(`${r.name.padEnd(24)} ${r.from} → ${r.to}`);
const [first] = releases;
if (first) console.log(`\n${first.name} CHANGELOG.md would start:\n${first.changelog.replace(/^/gm, '  ')}`);
for (const problem of problems) console.error(`✖ ${problem}`);
if (problems.length > 0) process.exitCode = 1;
