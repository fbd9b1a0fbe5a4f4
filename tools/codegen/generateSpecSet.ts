import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emitContractCases } from './emit/contractCases.ts';
import { emitHeyApiClient } from './emit/heyApi.ts';
import { emitMswHandlers } from './emit/mswHandlers.ts';
import { emitReactHooks } from './emit/reactHooks.ts';
import { emitSpecArtifacts } from './emit/specArtifacts.ts';
import type { Layout } from './layout.ts';
import { loadSpecSet, type SpecSet } from './loadSpecSet.ts';

/**
 * Runs every generator for one spec set, writing under `outRoot` as `layout` says.
 * The caller owns `outRoot`: generation never writes into the repository directly
 * (see syncGenerated), so a failing generator leaves the tree untouched.
 */
export async function generateSpecSet(
  repoRoot: string,
  manifests: string | readonly string[],
  outRoot: string,
  layout: Layout,
): Promise<SpecSet> {
  const set = await loadSpecSet(repoRoot, manifests);
  const specFiles = await emitSpecArtifacts(set);
  const specDir = path.join(outRoot, layout.spec);
  await mkdir(specDir, { recursive: true });
  for (const [name, content] of specFiles) await writeFile(path.join(specDir, name), content);
  await emitHeyApiClient(set, outRoot, layout);
  const reactDir = path.join(outRoot, layout.react);
  await mkdir(reactDir, { recursive: true });
  await writeFile(path.join(reactDir, 'hooks.gen.ts'), emitReactHooks(set, layout));
  const mswDir = path.join(outRoot, layout.msw);
  await mkdir(mswDir, { recursive: true });
  await writeFile(path.join(mswDir, 'handlers.gen.ts'), emitMswHandlers(set, layout));
  const contractDir = path.join(outRoot, layout.contract);
  await mkdir(contractDir, { recursive: true });
  await writeFile(path.join(contractDir, 'cases.gen.ts'), emitContractCases(set));
  return set;
}
