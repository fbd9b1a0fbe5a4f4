import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type PackageManifest, repoRoot } from './publishedPackages.ts';

const run = promisify(execFile);

export interface PlannedRelease {
  name: string;
  from: string;
  to: string;
  /** The first lines of the changelog entry `changeset version` would write. */
  changelog: string;
}

export interface DryRun {
  releases: PlannedRelease[];
  /** Inconsistencies: a fixed group split across versions, an internal range left behind. */
  problems: string[];
}

async function workspaceDirs(root: string): Promise<string[]> {
  const dirs = ['specs', 'tools'];
  for (const parent of ['packages', 'examples']) {
    for (const entry of await readdir(path.join(root, parent))) dirs.push(`${parent}/${entry}`);
  }
  return dirs;
}

/**
 * What `changeset version` would do now, without touching the repository: it runs for real on
 * a scratch copy of the manifests and pending changesets, then reads the versions and
 * changelogs it wrote and checks that packages of a `fixed` group share one version and that
 * every internal dependency names the new version.
 */
export async function dryRunVersion(root: string = repoRoot): Promise<DryRun> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'release-dry-'));
  try {
    await cp(path.join(root, 'package.json'), path.join(scratch, 'package.json'));
    // The lockfile tells changesets' workspace discovery that this is an npm workspace.
    await cp(path.join(root, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    await cp(path.join(root, '.changeset'), path.join(scratch, '.changeset'), { recursive: true });
    await symlink(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
    const before = new Map<string, PackageManifest>();
    for (const dir of await workspaceDirs(root)) {
      if (!existsSync(path.join(root, dir, 'package.json'))) continue;
      await mkdir(path.join(scratch, dir), { recursive: true });
      await cp(path.join(root, dir, 'package.json'), path.join(scratch, dir, 'package.json'));
      if (existsSync(path.join(root, dir, 'CHANGELOG.md')))
        await cp(path.join(root, dir, 'CHANGELOG.md'), path.join(scratch, dir, 'CHANGELOG.md'));
      before.set(dir, JSON.parse(await readFile(path.join(root, dir, 'package.json'), 'utf8')));
    }
    await run(process.execPath, [path.join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], {
      cwd: scratch,
    });
    const config = JSON.parse(await readFile(path.join(root, '.changeset', 'config.json'), 'utf8')) as {
      fixed?: string[][];
    };
    const releases: PlannedRelease[] = [];
    const after = new Map<string, PackageManifest>();
    for (const [dir, old] of before) {
      const now = JSON.parse(await readFile(path.join(scratch, dir, 'package.json'), 'utf8')) as PackageManifest;
      after.set(now.name, now);
      if (now.version !== old.version) {
        const log = existsSync(path.join(scratch, dir, 'CHANGELOG.md'))
          ? await readFile(path.join(scratch, dir, 'CHANGELOG.md'), 'utf8')
          : '';
        releases.push({
          name: now.name,
          from: old.version,
          to: now.version,
          changelog: log.split('\n').slice(0, 8).join('\n'),
        });
      }
    }
    const problems: string[] = [];
    for (const group of config.fixed ?? []) {
      const versions = new Set(group.map((name) => after.get(name)?.version));
      if (versions.size > 1)
        problems.push(`fixed group split: ${group.map((n) => `${n}@${after.get(n)?.version}`).join(', ')}`);
    }
    // Private workspaces count too: a stale exact range there breaks `npm install` after a release.
    for (const manifest of after.values()) {
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        const target = after.get(dep);
        if (target && !target.private && range !== target.version)
          problems.push(`${manifest.name} depends on ${dep}@${range}, which would be ${target.version}`);
      }
    }
    return { releases: releases.sort((a, b) => a.name.localeCompare(b.name)), problems };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
