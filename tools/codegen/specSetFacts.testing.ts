/**
 * What the tests of the generators expect, read straight from the spec's own files (the api.yaml
 * manifests and the documents' x-acs-action) with the `yaml` parser, not through loadSpecSet or
 * the generators under test: so adding an action (its document, one line in api.yaml) changes
 * what the tests expect, and nothing in the tests has to be edited.
 */
import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The job-family fixture set: the product's family plus ListTask and QueryJob. */
export const JOB_FAMILY = 'specs/fixtures/job-family/api.yaml';

interface RawManifest {
  extends?: string;
  actions?: string[];
}

async function readManifest(abs: string): Promise<RawManifest> {
  return (parseYaml(await readFile(abs, 'utf8')) ?? {}) as RawManifest;
}

/** The documents a manifest lists, those of the manifest it extends first, as absolute paths. */
export async function manifestDocuments(repoRoot: string, manifest: string): Promise<string[]> {
  const abs = path.resolve(repoRoot, manifest);
  const raw = await readManifest(abs);
  const base = raw.extends ? await manifestDocuments(repoRoot, path.resolve(path.dirname(abs), raw.extends)) : [];
  return [...base, ...(raw.actions ?? []).map((doc) => path.resolve(path.dirname(abs), doc))];
}

/** The action a document describes: the x-acs-action of its operations on "/". */
export async function documentAction(abs: string): Promise<string> {
  const doc = parseYaml(await readFile(abs, 'utf8')) as { paths?: Record<string, Record<string, unknown>> };
  const operations = Object.values(doc.paths?.['/'] ?? {}).filter(
    (op): op is Record<string, unknown> => typeof op === 'object' && op !== null && 'x-acs-action' in op,
  );
  const action = operations[0]?.['x-acs-action'];
  if (typeof action !== 'string') throw new Error(`${abs}: no x-acs-action on "/"`);
  return action;
}

/** The actions a manifest lists (with those of the manifest it extends), in the order listed. */
export async function manifestActions(repoRoot: string, manifest: string): Promise<string[]> {
  return Promise.all((await manifestDocuments(repoRoot, manifest)).map(documentAction));
}

/**
 * The job-family fixture set as it can be generated in this tree (a path relative to repoRoot).
 * The fixture extends the product's api.yaml; once the product lists some of the fixture's very
 * documents itself (as the every-action proof and a user adopting the fixture do), listing them
 * again would name one action twice. Then the set is a manifest written in `dir` that extends the
 * product with only the fixture documents it does not list yet; otherwise the fixture itself.
 */
export async function jobFamilySet(repoRoot: string, dir: string): Promise<string> {
  const fixtureAbs = path.resolve(repoRoot, JOB_FAMILY);
  const fixture = await readManifest(fixtureAbs);
  if (!fixture.extends) return JOB_FAMILY;
  const productAbs = path.resolve(path.dirname(fixtureAbs), fixture.extends);
  const inProduct = new Set(await manifestDocuments(repoRoot, productAbs));
  const own = (fixture.actions ?? []).map((doc) => path.resolve(path.dirname(fixtureAbs), doc));
  if (!own.some((doc) => inProduct.has(doc))) return JOB_FAMILY;
  const at = await mkdtemp(path.join(dir, 'job-family-set-'));
  const rest = own.filter((doc) => !inProduct.has(doc));
  await writeFile(
    path.join(at, 'api.yaml'),
    `extends: ${path.relative(at, productAbs)}\n${rest.length > 0 ? `actions:\n${rest.map((doc) => `  - ${path.relative(at, doc)}\n`).join('')}` : 'actions: []\n'}`,
  );
  return path.relative(repoRoot, path.join(at, 'api.yaml'));
}

/** `base`, or base2, base3, … : the first action name with no document in `folder` and no line in its api.yaml. */
export async function unusedActionName(folder: string, base: string): Promise<string> {
  const listed = await readFile(path.join(folder, 'api.yaml'), 'utf8');
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}${n}`;
    const exists = await access(path.join(folder, `${name}.yaml`)).then(
      () => true,
      () => false,
    );
    if (!exists && !listed.includes(`${name}.yaml`)) return name;
  }
}
