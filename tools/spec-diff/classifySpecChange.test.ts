import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDocument, loadSpecSet } from '../codegen/loadSpecSet.ts';
import { classifySpecChange } from './classifySpecChange.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(repoRoot, 'specs', 'fixtures', 'spec-diff');

/** The one helper that reads a fixture pair: `before/` against `<case>/`. */
async function pair(name: string) {
  const before = { QueryTask: await bundleDocument(path.join(fixtures, 'before', 'QueryTask.yaml')) };
  const after = { QueryTask: await bundleDocument(path.join(fixtures, name, 'QueryTask.yaml')) };
  return classifySpecChange(before, after);
}

const cases = (await readdir(fixtures, { withFileTypes: true }))
  .filter((e) => e.isDirectory() && e.name !== 'before')
  .map((e) => e.name);

describe('classifySpecChange on the fixture pairs', () => {
  for (const name of cases) {
    const expected = name.split('-')[0];
    it(`${name} is ${expected}`, async () => {
      expect((await pair(name)).level).toBe(expected);
    });
  }

  it('names what changed and where', async () => {
    expect((await pair('major-renamed-field')).changes).toEqual([
      { level: 'major', where: 'QueryTask GET response 200 Data.JobName', what: 'property removed (or renamed)' },
      { level: 'minor', where: 'QueryTask GET response 200 Data.JobTitle', what: 'property added' },
    ]);
    expect((await pair('major-narrowed-enum')).changes).toEqual([
      { level: 'major', where: 'QueryTask GET response 200 Data.Status', what: 'enum narrowed: "FAILED" removed' },
    ]);
    expect((await pair('major-new-required-parameter')).changes).toEqual([
      { level: 'major', where: 'QueryTask GET parameter query JobId', what: 'required parameter added' },
    ]);
  });

  it('the product against the two-action fixture set: a new action is minor', async () => {
    const product = await loadSpecSet(repoRoot, 'specs/iot-2018-01-20/api.yaml');
    const family = await loadSpecSet(repoRoot, 'specs/fixtures/job-family/api.yaml');
    const docs = (set: typeof product) => Object.fromEntries(set.actions.map((a) => [a.action, a.document]));
    const report = classifySpecChange(docs(product), docs(family));
    expect(report.level).toBe('minor');
    expect(report.changes).toContainEqual({ level: 'minor', where: 'ListTask', what: 'action added' });
    expect(classifySpecChange(docs(family), docs(product)).level).toBe('major');
    expect(classifySpecChange({}, docs(product)).level).toBe('minor');
  });
});
