/**
 * `npm run generate`: regenerate every generated folder from the spec.
 * `npm run generate:check`: regenerate into a scratch folder and fail on any difference.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateSpecSet } from './generateSpecSet.ts';
import { ownedFolders, productLayout } from './layout.ts';
import { productManifests } from './loadSpecSet.ts';
import { compareGenerated, hasDrift, syncGenerated } from './syncGenerated.ts';

const FIX = 'npm run generate';
const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    // Another tree than this repository's (a scratch copy): where specs/ are read and output goes.
    root: { type: 'string' },
  },
});
const repoRoot = values.root ? path.resolve(values.root) : path.resolve(import.meta.dirname, '..', '..');

const stage = await mkdtemp(path.join(os.tmpdir(), 'iot-task-generate-'));
try {
  const started = performance.now();
  const set = await generateSpecSet(repoRoot, await productManifests(repoRoot), stage, productLayout);
  const folders = ownedFolders(productLayout);
  const ms = Math.round(performance.now() - started);
  if (values.check) {
    const drift = await compareGenerated(stage, repoRoot, folders);
    if (hasDrift(drift)) {
      const lines = [
        ...drift.changed.map((f) => `  changed  ${f}`),
        ...drift.added.map((f) => `  missing  ${f}`),
        ...drift.removed.map((f) => `  stale    ${f}`),
      ];
      console.error(`Generated code is out of date with the spec and generators:\n${lines.join('\n')}\n\nFix: ${FIX}`);
      process.exitCode = 1;
    } else {
      console.log(`generate:check: ${set.actions.length} action(s), generated code is up to date (${ms} ms)`);
    }
  } else {
    const drift = await syncGenerated(stage, repoRoot, folders);
    const count = drift.added.length + drift.changed.length + drift.removed.length;
    console.log(
      `generate: ${set.actions.map((a) => a.action).join(', ')} → ${folders.join(', ')} (${count} file(s) changed, ${ms} ms)`,
    );
  }
} catch (error) {
  console.error(`generate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await rm(stage, { recursive: true, force: true });
}
