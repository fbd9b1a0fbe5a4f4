import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestDocuments, unusedActionName } from '../codegen/specSetFacts.testing.ts';
import { actionDocuments } from './lintSpecs.ts';

const specs = path.resolve(import.meta.dirname, '..', '..', 'specs');
const repoRoot = path.dirname(specs);

/** Every api.yaml under specs/ (build output aside), found on disk. */
async function manifests(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory() && !['generated', 'dist', 'node_modules'].includes(entry.name))
      found.push(...(await manifests(at)));
    else if (entry.name === 'api.yaml') found.push(at);
  }
  return found;
}

describe('which documents the spec lint covers', () => {
  it('every action document of every spec set, found on disk', async () => {
    const documents = await actionDocuments(specs);
    // Every document any api.yaml lists (the product's and every fixture set's) is linted ...
    const listed = [
      ...new Set((await Promise.all((await manifests(specs)).map((m) => manifestDocuments(repoRoot, m)))).flat()),
    ];
    expect(listed).toEqual(
      expect.arrayContaining([
        path.join(specs, 'iot-2018-01-20', 'QueryTask.yaml'),
        path.join(specs, 'fixtures', 'job-family', 'ListTask.yaml'),
        path.join(specs, 'fixtures', 'job-family', 'QueryJob.yaml'),
      ]),
    );
    expect(documents).toEqual(expect.arrayContaining(listed));
    // ... and nothing that is not an action document: each is <Name>.yaml next to an api.yaml,
    // never the manifest, the shared components or a spec-diff fragment (no api.yaml beside it).
    const setFolders = new Set((await manifests(specs)).map((m) => path.dirname(m)));
    for (const document of documents) {
      expect(setFolders.has(path.dirname(document)), path.relative(specs, document)).toBe(true);
      expect(path.basename(document)).toMatch(/^[A-Z][A-Za-z0-9]*\.yaml$/);
    }
    expect(documents.map((d) => path.relative(specs, d))).not.toContain('iot-2018-01-20/components.yaml');
    expect(documents.some((d) => d.includes(`${path.sep}spec-diff${path.sep}`))).toBe(false);
    expect(documents).toEqual([...documents].sort());
  });

  it('a new document next to QueryTask is linted before anyone lists it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'iot-task-spec-lint-'));
    try {
      await cp(path.join(specs, 'iot-2018-01-20'), path.join(root, 'iot-2018-01-20'), { recursive: true });
      const before = (await actionDocuments(root)).map((d) => path.relative(root, d));
      expect(before).toContain('iot-2018-01-20/QueryTask.yaml');
      const name = await unusedActionName(path.join(root, 'iot-2018-01-20'), 'ListJob');
      await writeFile(
        path.join(root, 'iot-2018-01-20', `${name}.yaml`),
        'openapi: 3.1.0\ninfo: { title: t, version: "2018-01-20" }\npaths:\n  /: {}\n',
      );
      expect((await actionDocuments(root)).map((d) => path.relative(root, d))).toEqual(
        [...before, `iot-2018-01-20/${name}.yaml`].sort(),
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
