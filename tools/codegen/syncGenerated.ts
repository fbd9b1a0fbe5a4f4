import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Every file under `dir`, as paths relative to it; an absent folder has none. */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export interface Drift {
  added: string[];
  removed: string[];
  changed: string[];
}

/** Compares the generated folders in `stage` with the same folders in `target`. */
export async function compareGenerated(stage: string, target: string, folders: string[]): Promise<Drift> {
  const drift: Drift = { added: [], removed: [], changed: [] };
  for (const folder of folders) {
    const fresh = await listFiles(path.join(stage, folder));
    const current = await listFiles(path.join(target, folder));
    const currentSet = new Set(current);
    for (const file of fresh) {
      const rel = path.join(folder, file);
      if (!currentSet.has(file)) drift.added.push(rel);
      else if ((await readFile(path.join(stage, rel), 'utf8')) !== (await readFile(path.join(target, rel), 'utf8'))) {
        drift.changed.push(rel);
      }
    }
    const freshSet = new Set(fresh);
    for (const file of current) if (!freshSet.has(file)) drift.removed.push(path.join(folder, file));
  }
  return drift;
}

/** Makes the generated folders in `target` identical to those in `stage`; returns what changed. */
export async function syncGenerated(stage: string, target: string, folders: string[]): Promise<Drift> {
  const drift = await compareGenerated(stage, target, folders);
  for (const rel of [...drift.added, ...drift.changed]) {
    await mkdir(path.dirname(path.join(target, rel)), { recursive: true });
    await writeFile(path.join(target, rel), await readFile(path.join(stage, rel)));
  }
  for (const rel of drift.removed) await rm(path.join(target, rel));
  return drift;
}

export function hasDrift(drift: Drift): boolean {
  return drift.added.length + drift.removed.length + drift.changed.length > 0;
}
