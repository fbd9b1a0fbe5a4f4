/**
 * `npm run lint` (the spec part): `redocly lint` with the recommended rules over every action
 * document of every spec set under specs/ — found on disk, not listed anywhere, so a new document
 * is linted the moment it exists next to an api.yaml, listed in it or not. (Shared components are
 * linted through the documents that reference them; the spec-diff fixtures are fragments, not
 * spec sets.) Then the RPC wire-shape rules the generators rely on (tools/codegen/wireShapeRules.ts:
 * lists, JSON-text objects, paging), one line per broken document naming the rule and the fix.
 */
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { bundleDocument, SpecSetError } from '../codegen/loadSpecSet.ts';
import { checkWireShapes } from '../codegen/wireShapeRules.ts';

const specs = path.resolve(import.meta.dirname, '..', '..', 'specs');
const SKIPPED = new Set(['generated', 'dist', 'node_modules']);

/**
 * Every action document under `dir`: a YAML OpenAPI document with at least one path, in a folder
 * that holds an `api.yaml` (a spec set).
 */
export async function actionDocuments(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  const isSpecSet = entries.some((e) => e.isFile() && e.name === 'api.yaml');
  for (const entry of entries) {
    const at = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) found.push(...(await actionDocuments(at)));
    } else if (isSpecSet && /\.ya?ml$/.test(entry.name) && entry.name !== 'api.yaml') {
      const parsed = parseYaml(await readFile(at, 'utf8')) as { openapi?: unknown; paths?: unknown } | null;
      const paths = parsed?.paths;
      if (parsed?.openapi !== undefined && paths && typeof paths === 'object' && Object.keys(paths).length > 0) {
        found.push(at);
      }
    }
  }
  return found.sort();
}

/**
 * The wire-shape rules over each document: one line per document that breaks one
 * (`<document>: <rule>. Fix: <fix>`, as `npm run generate` words it), none when all keep them.
 */
export async function wireShapeProblems(documents: readonly string[], shownFrom: string): Promise<string[]> {
  const problems: string[] = [];
  for (const document of documents) {
    const shown = path.relative(shownFrom, document);
    try {
      const doc = await bundleDocument(document, shown);
      checkWireShapes(doc, (rule, fix) => {
        throw new SpecSetError(shown, rule, fix);
      });
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return problems;
}

if (import.meta.main) {
  const documents = await actionDocuments(specs);
  if (documents.length === 0) {
    console.error('spec lint: no action document under specs/ (a folder with api.yaml and <Action>.yaml)');
    process.exit(1);
  }
  const redocly = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
  const result = spawnSync(
    process.execPath,
    [redocly, 'lint', '--config', path.join(specs, 'redocly.yaml'), ...documents.map((d) => path.relative(specs, d))],
    { cwd: specs, stdio: 'inherit' },
  );
  const problems = await wireShapeProblems(documents, path.dirname(specs));
  for (const line of problems) console.error(`spec lint: ${line}`);
  if (problems.length === 0) console.log(`spec lint: ${documents.length} document(s) keep the RPC wire-shape rules`);
  process.exit(result.status === 0 && problems.length === 0 ? 0 : (result.status ?? 1) || 1);
}
