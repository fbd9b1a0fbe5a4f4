/**
 * `npm run packages:check`: every published package as it will be packed — publint, are the
 * types wrong (ESM-only profile), and our own rules: ESM, `exports` with `types` first,
 * `sideEffects: false`, `files` limited to `dist` (plus the spec's documents), a README, a
 * license. Prints what fails and exits 1.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { type PackageManifest, publishedPackages, repoRoot } from './publishedPackages.ts';

const run = promisify(execFile);

/** Our own rules for a published manifest; returns what breaks them. */
export function manifestProblems(manifest: PackageManifest & { license?: string }, hasReadme: boolean): string[] {
  const problems: string[] = [];
  if (manifest.type !== 'module') problems.push('"type" must be "module" (ESM only)');
  if (manifest.sideEffects !== false) problems.push('"sideEffects" must be false');
  if (!manifest.license) problems.push('"license" is missing');
  if (!hasReadme) problems.push('README.md is missing');
  if (!manifest.files?.length) problems.push('"files" must list what ships');
  for (const file of manifest.files ?? []) {
    if (!/^(dist|bin|generated\/\*\.openapi\.json|iot-2018-01-20)$/.test(file))
      problems.push(`"files" ships ${file}: only dist, bin (and the spec documents) should`);
  }
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target === 'string') continue;
    const keys = Object.keys(target as object);
    if (keys[0] !== 'types') problems.push(`exports["${subpath}"]: "types" must come first`);
    if (keys.includes('require')) problems.push(`exports["${subpath}"]: ESM only, no "require"`);
  }
  return problems;
}

async function tool(bin: string, args: string[], cwd: string): Promise<string | undefined> {
  try {
    await run(process.execPath, [path.join(repoRoot, 'node_modules', '.bin', bin), ...args], {
      cwd,
      maxBuffer: 16 << 20,
    });
    return undefined;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return `${stdout}${stderr}`.trim().split('\n').slice(-12).join('\n');
  }
}

if (import.meta.main) {
  let failed = 0;
  for (const { dir, manifest } of await publishedPackages()) {
    const abs = path.join(repoRoot, dir);
    const problems = manifestProblems(
      manifest as PackageManifest & { license?: string },
      existsSync(path.join(abs, 'README.md')),
    );
    const publint = await tool('publint', ['--strict', '.'], abs);
    if (publint) problems.push(`publint:\n${publint}`);
    const attw = await tool('attw', ['--pack', '.', '--profile', 'esm-only'], abs);
    if (attw) problems.push(`attw (esm-only):\n${attw}`);
    console.log(`${problems.length === 0 ? '✔' : '✖'} ${manifest.name}`);
    for (const problem of problems) console.log(`    ${problem.replaceAll('\n', '\n    ')}`);
    if (problems.length > 0) failed++;
  }
  if (failed > 0) process.exitCode = 1;
}
