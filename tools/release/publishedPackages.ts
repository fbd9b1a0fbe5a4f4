import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

export interface PackageManifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  sideEffects?: boolean;
  files?: string[];
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Folder relative to the repository root, e.g. `packages/client`. */
  dir: string;
  manifest: PackageManifest;
}

/** Every workspace package that is published (not `private`): `specs` and `packages/*`. */
export async function publishedPackages(root: string = repoRoot): Promise<WorkspacePackage[]> {
  const dirs = ['specs', ...(await readdir(path.join(root, 'packages'))).map((p) => `packages/${p}`)];
  const all = await Promise.all(
    dirs.map(async (dir) => ({
      dir,
      manifest: JSON.parse(await readFile(path.join(root, dir, 'package.json'), 'utf8')) as PackageManifest,
    })),
  );
  return all.filter((p) => !p.manifest.private).sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}
