/**
 * `npm run size:check`: the browser bundle of an app using only QueryTask (client) and only one
 * hook (react, without react and react-query) must stay within budget; and neither may grow when
 * the spec gains actions the app does not use (a scratch copy with 20 synthetic actions, generated
 * and built). Same measurement as `npm run bench` (esbuild, minified, split, gzip level 9 of what
 * loads up front). Needs the packages built (`npm run build`). Last, the client's install
 * footprint: at most 2 packages and 0.5 MB unpacked.
 */

import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BundledApp, type BundleResult, measureBundles } from '../bench/bundleSize.ts';
import { createScratchWorkspace } from '../scratch/scratchWorkspace.ts';
import { addSyntheticActions } from '../scratch/syntheticActions.ts';

/** Budgets, gzipped bytes of the initial load. Raise one only with a reason in the commit. */
export const SIZE_BUDGETS: Readonly<Partial<Record<BundledApp, number>>> = {
  // Credentials, quota and signers load with the first signed call: 9.5 KB up front; 10.0 KB
  // once a hung credentials provider and a network error's cause were dealt with (+0.3 KB);
  // 10.6 KB with every option checked into a typed error and every server answer judged by its
  // XML root and encoding (+0.6 KB; masking secrets loads with the signer, as it needs them);
  // 11.3 KB once quota settings are declared at creation (the strictest of a key holds before its
  // first call), anything a caller throws is described safely, and the spec's descriptors grew
  // (RequestId pattern, a task's fixed fields). 11.8 KB with the account's quota in a pluggable
  // store: its options checked at creation (account, maxWaitMs, strict), the wait for a turn kept
  // out of the deadline, and QuotaStoreError (the windows themselves load with the signer).
  // 12.3 KB once a deadline holds whatever the transport does (a fetch ignoring its signal, a
  // body that never ends), a careless caller's params are read without trusting their getters,
  // and an answer is held to the TaskId asked for; the signing proxy's masking loads with its
  // first answer, so that the secret masking it shares with the signer stays lazy (+2 KB if not).
  // 12.8 KB once a misspelled or unknown option is named with the one meant (every option's name
  // and a did-you-mean), lists are written RPC-style (`Name.N`, writeRpcList) and the quota's
  // estimate keeps its recent trips; not split per change.
  '@iot-task/client': 13 * 1024,
  // The hooks call the generated operations directly (no hey-api client): 12.4 KB; 12.9 KB with
  // the client's deadlines and careful reading above; 13.5 KB with the client's growth to 12.8 KB.
  '@iot-task/react (one hook, react and react-query excluded)': 13.75 * 1024,
};

/**
 * Actions added to the scratch spec, and how many gzipped bytes the one-action apps may gain:
 * once descriptors of two actions share a parameter or schema, the generator hoists it into a
 * shared constant, a fixed ~35 B that does not grow with the number of actions (20 actions used
 * to cost ~1.5 KB).
 */
const SYNTHETIC_ACTIONS = 20;
const GROWTH_TOLERANCE_BYTES = 48;

const run = promisify(execFile);
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

/**
 * Install footprint of the client: every package `npm install @iot-task/client` brings (its
 * runtime dependencies, transitively) and their unpacked size, as `npm pack` would publish them.
 * A third-party runtime dependency counts too, at its installed size.
 */
const INSTALL_BUDGET = { packages: 2, bytes: 512 * 1024 };
const installed = await installFootprint('@iot-task/client');
const installWithin =
  installed.length <= INSTALL_BUDGET.packages && installed.reduce((n, p) => n + p.bytes, 0) <= INSTALL_BUDGET.bytes;
console.log(
  `${installWithin ? '✔' : '✖'} npm install @iot-task/client: ${installed.length} packages (${installed.map((p) => `${p.name} ${kb(p.bytes)}`).join(', ')}), ${kb(installed.reduce((n, p) => n + p.bytes, 0))} unpacked (budget ${INSTALL_BUDGET.packages} packages, ${kb(INSTALL_BUDGET.bytes)})`,
);
if (!installWithin) process.exitCode = 1;

async function installFootprint(root: string): Promise<{ name: string; bytes: number }[]> {
  const { publishedPackages, repoRoot } = await import('./publishedPackages.ts');
  const ours = new Map((await publishedPackages()).map((p) => [p.manifest.name, p]));
  const seen = new Map<string, number>();
  const visit = async (name: string) => {
    if (seen.has(name)) return;
    const own = ours.get(name);
    if (own) {
      const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: path.join(repoRoot, own.dir),
        maxBuffer: 16 << 20,
      });
      seen.set(name, (JSON.parse(stdout) as { unpackedSize: number }[])[0]?.unpackedSize ?? 0);
      for (const dependency of Object.keys(own.manifest.dependencies ?? {})) await visit(dependency);
    } else {
      seen.set(name, await directorySize(path.join(repoRoot, 'node_modules', name)));
    }
  };
  await visit(root);
  return [...seen].map(([name, bytes]) => ({ name, bytes }));
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}
