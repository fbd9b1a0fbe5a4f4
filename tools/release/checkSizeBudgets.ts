/**
 * `npm run size:check`: the browser bundle of an app using only QueryTask (client) and only one
 * hook (react, without react and react-query) must stay within budget. Same measurement as
 * `npm run bench` (esbuild, minified, split, gzip level 9 of what loads up front).
 */
import { type BundledApp, measureBundles } from '../bench/bundleSize.ts';

/** Budgets, gzipped bytes of the initial load. Raise one only with a reason in the commit. */
export const SIZE_BUDGETS: Readonly<Partial<Record<BundledApp, number>>> = {
  // The generated hey-api client left the main entry (@iot-task/client/hey-api): 10.8 KB.
  '@iot-task/client': 11 * 1024,
  // Every answer is now checked against the spec on the default path (+1 KB gz); the hooks still
  // go through the generated hey-api TanStack helpers (+3.4 KB gz).
  '@iot-task/react (one hook, react and react-query excluded)': 16 * 1024,
};

const results = await measureBundles(Object.keys(SIZE_BUDGETS) as BundledApp[]);
for (const result of results) {
  const budget = SIZE_BUDGETS[result.name as BundledApp] ?? Number.POSITIVE_INFINITY;
  const within = result.gzipBytes <= budget;
  console.log(
    `${within ? '✔' : '✖'} ${result.name}: ${(result.gzipBytes / 1024).toFixed(1)} KB gz (budget ${(budget / 1024).toFixed(1)} KB), lazy ${(result.lazyGzipBytes / 1024).toFixed(1)} KB`,
  );
  if (!within) process.exitCode = 1;
}
