/**
 * `npm run size:check`: the browser bundle of an app using only QueryTask (client) and only one
 * hook (react, without react and react-query) must stay within budget; and neither may grow when
 * the spec gains actions the app does not use (a scratch copy with 20 synthetic actions, generated
 * and built). Same measurement as `npm run bench` (esbuild, minified, split, gzip level 9 of what
 * loads up front). Needs the packages built (`npm run build`).
 */

import { createRequire } from 'node:module';
import { type BundledApp, type BundleResult, measureBundles } from '../bench/bundleSize.ts';
import { createScratchWorkspace } from '../scratch/scratchWorkspace.ts';
import { addSyntheticActions } from '../scratch/syntheticActions.ts';

/** Budgets, gzipped bytes of the initial load. Raise one only with a reason in the commit. */
export const SIZE_BUDGETS: Readonly<Partial<Record<BundledApp, number>>> = {
  // Credentials, quota and signers load with the first signed call: 9.5 KB up front.
  '@iot-task/client': 10 * 1024,
  // The hooks call the generated operations directly (no hey-api client): 10.1 KB.
  '@iot-task/react (one hook, react and react-query excluded)': 10.5 * 1024,
};

/**
 * Actions added to the scratch spec, and how many gzipped bytes the one-action apps may gain:
 * once descriptors of two actions share a parameter or schema, the generator hoists it into a
 * shared constant, a fixed ~35 B that does not grow with the number of actions (20 actions used
 * to cost ~1.5 KB).
 */
const SYNTHETIC_ACTIONS = 20;
const GROWTH_TOLERANCE_BYTES = 48;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const apps = Object.keys(SIZE_BUDGETS) as BundledApp[];

const results = await measureBundles(apps);
for (const result of results) {
  const budget = SIZE_BUDGETS[result.name as BundledApp] ?? Number.POSITIVE_INFINITY;
  const within = result.gzipBytes <= budget;
  console.log(
    `${within ? '✔' : '✖'} ${result.name}: ${kb(result.gzipBytes)} gz (budget ${kb(budget)}), lazy ${kb(result.lazyGzipBytes)}`,
  );
  if (!within) process.exitCode = 1;
}

const grown = await measureWithSyntheticActions();
for (const result of grown) {
  const before = results.find((r) => r.name === result.name) as BundleResult;
  const growth = result.gzipBytes - before.gzipBytes;
  const within = growth <= GROWTH_TOLERANCE_BYTES;
  console.log(
    `${within ? '✔' : '✖'} ${result.name} with ${SYNTHETIC_ACTIONS} more actions in the spec: ${kb(result.gzipBytes)} gz (${growth >= 0 ? '+' : ''}${growth} B; at most +${GROWTH_TOLERANCE_BYTES} B)`,
  );
  if (!within) process.exitCode = 1;
}

async function measureWithSyntheticActions(): Promise<BundleResult[]> {
  const ws = await createScratchWorkspace('iot-task-size-');
  try {
    await addSyntheticActions(ws.root, SYNTHETIC_ACTIONS);
    await ws.exec(ws.node, ['tools/codegen/generate.ts']);
    const tsdown = createRequire(import.meta.url).resolve('tsdown/run');
    for (const dir of ['specs', 'packages/signing', 'packages/client', 'packages/react']) {
      await ws.exec(ws.node, [tsdown], { cwd: dir });
    }
    return await measureBundles(apps, { root: ws.root });
  } finally {
    await ws.dispose();
  }
}
