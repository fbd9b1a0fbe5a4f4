import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareGenerated, hasDrift, syncGenerated } from './syncGenerated.ts';

let stage: string;
let target: string;

async function put(root: string, rel: string, content: string) {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), content);
}

beforeEach(async () => {
  stage = await mkdtemp(path.join(os.tmpdir(), 'stage-'));
  target = await mkdtemp(path.join(os.tmpdir(), 'target-'));
  await put(stage, 'gen/a.gen.ts', 'a2');
  await put(stage, 'gen/sub/b.gen.ts', 'b');
  await put(target, 'gen/a.gen.ts', 'a1');
  await put(target, 'gen/stale.gen.ts', 'old');
  await put(target, 'hand/written.ts', 'keep');
});

afterEach(async () => {
  await rm(stage, { recursive: true, force: true });
  await rm(target, { recursive: true, force: true });
});

describe('drift check', () => {
  it('reports changed, missing and stale generated files, and nothing outside the generated folders', async () => {
    const drift = await compareGenerated(stage, target, ['gen']);
    expect(drift).toEqual({ changed: ['gen/a.gen.ts'], added: ['gen/sub/b.gen.ts'], removed: ['gen/stale.gen.ts'] });
    expect(hasDrift(drift)).toBe(true);
  });

  it('sync makes the folders identical, after which there is no drift', async () => {
    await syncGenerated(stage, target, ['gen']);
    expect(await readFile(path.join(target, 'gen/a.gen.ts'), 'utf8')).toBe('a2');
    expect(await readFile(path.join(target, 'hand/written.ts'), 'utf8')).toBe('keep');
    expect(hasDrift(await compareGenerated(stage, target, ['gen']))).toBe(false);
  });
});
