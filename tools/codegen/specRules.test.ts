import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpecSet, productManifests } from './loadSpecSet.ts';
import { JOB_FAMILY, jobFamilySet, manifestActions, unusedActionName } from './specSetFacts.testing.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const generate = path.join(import.meta.dirname, 'generate.ts');
const scratches: string[] = [];
afterEach(async () => {
  for (const dir of scratches.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A tree with a copy of specs/ and generated folders holding what a previous run wrote. */
async function scratchTree(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'iot-task-spec-rules-'));
  scratches.push(root);
  await cp(path.join(repoRoot, 'specs', 'iot-2018-01-20'), path.join(root, 'specs', 'iot-2018-01-20'), {
    recursive: true,
  });
  await cp(path.join(repoRoot, 'specs', 'fixtures'), path.join(root, 'specs', 'fixtures'), { recursive: true });
  for (const folder of ['specs/generated', 'packages/client/src/generated', 'packages/react/src/generated']) {
    await mkdir(path.join(root, folder), { recursive: true });
    await writeFile(path.join(root, folder, 'previous.gen.ts'), '// what the last good run wrote\n');
  }
  return root;
}

async function edit(root: string, file: string, change: (text: string) => string): Promise<void> {
  const at = path.join(root, file);
  await writeFile(at, change(await readFile(at, 'utf8')));
}

function run(root: string) {
  const r = spawnSync(process.execPath, [generate, '--root', root], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const family = 'specs/iot-2018-01-20';
const listedTask = '../fixtures/job-family/ListTask.yaml';
/** api.yaml with the fixture's ListTask listed: appended, unless the product lists it already. */
const withListTask = (text: string) => (text.includes(`  - ${listedTask}\n`) ? text : `${text}  - ${listedTask}\n`);
// Names no document of the product has and its api.yaml does not list (a user may add ListJob or GetTask).
const missingName = await unusedActionName(path.join(repoRoot, family), 'ListJob');
const misnamed = await unusedActionName(path.join(repoRoot, family), 'GetTask');
const broken: [string, (root: string) => Promise<void>, string][] = [
  [
    'two actions with one name',
    async (root) => {
      await mkdir(path.join(root, family, 'copy'), { recursive: true });
      await cp(path.join(root, family, 'QueryTask.yaml'), path.join(root, family, 'copy', 'QueryTask.yaml'));
      await edit(root, `${family}/copy/QueryTask.yaml`, (t) =>
        t.replaceAll(/((\$ref|externalValue): ["']?)\.\//g, '$1../'),
      );
      await edit(root, `${family}/api.yaml`, (t) => `${t}  - copy/QueryTask.yaml\n`);
    },
    `${family}/copy/QueryTask.yaml: two actions are named QueryTask (the other is ${family}/QueryTask.yaml). Fix: give every action one document, listed once across all api.yaml files`,
  ],
  [
    'an RPC document without x-acs-action',
    (root) => edit(root, `${family}/QueryTask.yaml`, (t) => t.replaceAll(/^ {6}x-acs-action: QueryTask\n/gm, '')),
    `${family}/QueryTask.yaml: every operation on "/" must name its RPC action in x-acs-action (PascalCase). Fix: add x-acs-action: <Action> to every operation`,
  ],
  [
    'operations that disagree on their action',
    (root) =>
      edit(root, `${family}/QueryTask.yaml`, (t) =>
        t.replace(/^ {6}x-acs-action: QueryTask\n/m, '      x-acs-action: QueryJob\n'),
      ),
    `${family}/QueryTask.yaml: every operation on "/" must carry the same x-acs-action. Fix: copy x-acs-action to every operation`,
  ],
  [
    'a paged action without its token field',
    async (root) => {
      await edit(root, `${family}/api.yaml`, withListTask);
      await edit(root, 'specs/fixtures/job-family/ListTask.yaml', (t) =>
        t.replace(
          /^ {8}NextToken:\n {10}type: string\n {10}description: Token of the next page; absent on the last page.\n/m,
          '',
        ),
      );
    },
    "specs/fixtures/job-family/ListTask.yaml: the paged action's success body has no NextToken field (x-iot-task-paging.tokenField). Fix: add NextToken to the success body, or name the field that holds the next page's token",
  ],
  [
    'a paged action without its token parameter',
    async (root) => {
      await edit(root, `${family}/api.yaml`, withListTask);
      await edit(root, 'specs/fixtures/job-family/ListTask.yaml', (t) =>
        t
          .replace('tokenParameter: NextToken', 'tokenParameter: PageToken')
          .replace('tokenParameter: NextToken', 'tokenParameter: PageToken'),
      );
    },
    'specs/fixtures/job-family/ListTask.yaml: the paged action has no query parameter PageToken (x-iot-task-paging.tokenParameter). Fix: add the PageToken query parameter, or name the one that asks for a page',
  ],
  [
    'an action that does not say whether it writes',
    (root) => edit(root, `${family}/QueryTask.yaml`, (t) => t.replaceAll(/^ {6}x-acs-operation-type: read\n/gm, '')),
    `${family}/QueryTask.yaml: every operation must say whether it changes anything: x-acs-operation-type read or write. Fix: add x-acs-operation-type: read (a query or a list) or write`,
  ],
  [
    'a file not named after its action',
    async (root) => {
      await cp(path.join(root, family, 'QueryTask.yaml'), path.join(root, family, `${misnamed}.yaml`));
      await edit(root, `${family}/api.yaml`, (t) => t.replace('  - QueryTask.yaml', `  - ${misnamed}.yaml`));
    },
    `${family}/${misnamed}.yaml: the file must be named after its action (QueryTask.yaml). Fix: rename the file to QueryTask.yaml`,
  ],
  [
    'a listed document that does not exist',
    (root) => edit(root, `${family}/api.yaml`, (t) => `${t}  - ${missingName}.yaml\n`),
    `${family}/${missingName}.yaml: cannot be read (the document does not exist). Fix: fix the path in api.yaml or the document`,
  ],
  [
    'a family without endpoints',
    (root) => edit(root, `${family}/api.yaml`, (t) => t.replace('  regional: iot.{regionId}.aliyuncs.com\n', '')),
    `${family}/api.yaml: "endpoints.regional" must be the regional host with {regionId}. Fix: e.g. regional: iot.{regionId}.aliyuncs.com`,
  ],
];

describe('a spec that breaks a rule the generators rely on', () => {
  for (const [name, breakIt, line] of broken) {
    it(`${name}: one line naming the document, the rule and the fix; the tree is left as it was`, async () => {
      const root = await scratchTree();
      await breakIt(root);
      const r = run(root);
      expect(r.stderr).toBe(`generate failed: ${line}\n`);
      expect(r.code).toBe(1);
      expect(await readFile(path.join(root, 'packages/client/src/generated/previous.gen.ts'), 'utf8')).toBe(
        '// what the last good run wrote\n',
      );
    }, 60_000);
  }

  it('the same tree, unbroken, generates (and replaces the previous output)', async () => {
    const root = await scratchTree();
    const r = run(root);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await expect(readFile(path.join(root, 'packages/client/src/generated/previous.gen.ts'))).rejects.toThrow();
  }, 60_000);
});

describe('families', () => {
  it('the product is every specs/<family>/api.yaml; the fixture set extends it', async () => {
    // Every folder of specs/ (fixtures and build output aside) that holds an api.yaml, read from disk.
    const folders = (await readdir(path.join(repoRoot, 'specs'), { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !['fixtures', 'generated', 'dist', 'node_modules'].includes(e.name))
      .map((e) => `specs/${e.name}/api.yaml`);
    const withManifest = [];
    for (const manifest of folders.sort()) {
      if (
        await readFile(path.join(repoRoot, manifest)).then(
          () => true,
          () => false,
        )
      )
        withManifest.push(manifest);
    }
    expect(withManifest).toContain('specs/iot-2018-01-20/api.yaml');
    expect(await productManifests(repoRoot)).toEqual(withManifest);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'iot-task-job-family-'));
    scratches.push(dir);
    const set = await jobFamilySet(repoRoot, dir);
    const fixture = await loadSpecSet(repoRoot, set);
    // The product's actions, then the fixture's (each once), as the api.yaml files list them.
    const listed = await manifestActions(repoRoot, set);
    expect(listed).toEqual(expect.arrayContaining(['QueryTask', 'ListTask', 'QueryJob']));
    expect(fixture.actions.map((a) => a.action)).toEqual(listed);
    expect(await manifestActions(repoRoot, JOB_FAMILY)).toEqual([
      ...(await manifestActions(repoRoot, 'specs/iot-2018-01-20/api.yaml')),
      'ListTask',
      'QueryJob',
    ]);
    expect(fixture.families.map((f) => [f.id, f.version, f.signatureVersions])).toEqual([
      ['Iot20180120', '2018-01-20', ['v3', 'v1']],
    ]);
    // The token kind, named since paging has kinds (`kind` defaults to token).
    const listPaging = fixture.actions.find((a) => a.action === 'ListTask')?.paging;
    expect(listPaging).toEqual({
      ...(listPaging && 'kind' in listPaging ? { kind: 'token' } : {}),
      tokenParameter: 'NextToken',
      tokenField: 'NextToken',
      items: 'Data.data',
    });
  });
});
