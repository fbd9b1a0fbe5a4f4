/**
 * CI gate: `npm run spec-diff:check [-- --base <git ref>]`. Classifies how `specs/` changed since
 * the last release (the last commit that touched specs/CHANGELOG.md, written by
 * `changeset version`; before any release, against an empty spec) and fails when the pending
 * changesets do not give every published package the change reaches at least that bump.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { listedDocuments, type OpenApiDocument, productManifests } from '../codegen/loadSpecSet.ts';
import { publishedPackages } from '../release/publishedPackages.ts';
import { parseChangeset, uncoveredPackages } from './changesetCoverage.ts';
import { classifySpecChange } from './classifySpecChange.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

const { values } = parseArgs({ options: { base: { type: 'string' } } });
const base = values.base ?? process.env.SPEC_DIFF_BASE ?? git('log', '-1', '--format=%H', '--', 'specs/CHANGELOG.md');

async function documentsAt(ref: string): Promise<Record<string, OpenApiDocument>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'spec-diff-'));
  try {
    execFileSync('sh', ['-c', `git archive ${ref} specs | tar -x -C "${dir}"`], { cwd: repoRoot });
    const listed = await listedDocuments(dir, await productManifests(dir));
    return Object.fromEntries(listed.map((a) => [a.action, a.document]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const current = { actions: await listedDocuments(repoRoot, await productManifests(repoRoot)) };
const before = base ? await documentsAt(base) : {};
const report = classifySpecChange(before, Object.fromEntries(current.actions.map((a) => [a.action, a.document])));
const since = base ? `since ${base.slice(0, 12)} (the last release)` : 'since the beginning (nothing released yet)';
console.log(`spec-diff: ${report.level} change ${since}`);
for (const change of report.changes.slice(0, 20))
  console.log(`  ${change.level.padEnd(5)} ${change.where}: ${change.what}`);
if (report.changes.length > 20) console.log(`  … and ${report.changes.length - 20} more`);

// Published packages the spec reaches: @iot-task/spec and everything that depends on it.
const published = (await publishedPackages(repoRoot)).map((p) => p.manifest);
const reached = new Set(['@iot-task/spec']);
for (let grew = true; grew; ) {
  grew = false;
  for (const m of published) {
    const deps = { ...m.dependencies, ...m.peerDependencies };
    if (!reached.has(m.name) && Object.keys(deps).some((d) => reached.has(d))) {
      reached.add(m.name);
      grew = true;
    }
  }
}
const changesetDir = path.join(repoRoot, '.changeset');
const changesets = await Promise.all(
  (await readdir(changesetDir))
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map(async (f) => parseChangeset(f, await readFile(path.join(changesetDir, f), 'utf8'))),
);
const config = JSON.parse(await readFile(path.join(changesetDir, 'config.json'), 'utf8')) as { fixed?: string[][] };
const missing = uncoveredPackages(report.level, [...reached].sort(), changesets, config.fixed ?? []);
if (missing.length > 0) {
  console.error(
    `\nspec-diff: the spec changed (${report.level}) but these packages would be released with less:\n${missing
      .map((m) => `  ${m.name}: ${m.bump === 'none' ? 'no changeset' : `only ${m.bump}`}`)
      .join('\n')}\n\nFix: npx changeset --${report.level} @iot-task/spec -m "spec: <what changed, for users>"`,
  );
  process.exitCode = 1;
} else if (report.level !== 'none') {
  console.log(`spec-diff: covered by ${changesets.map((c) => c.file).join(', ')}`);
}
